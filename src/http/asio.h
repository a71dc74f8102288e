// The one place src/http/ includes Boost.Asio and Boost.Beast (internal to the module: the
// public headers server.h, request.h and metrics.h do not include it, so code above the
// HTTP layer compiles without Asio, and clang 14, which cannot build Asio coroutines, never
// sees it).
//
// Boost 1.74 with GCC 12 needs <utility> before any Asio header when coroutines are used
// (DESIGN.md section 9); `as_tuple` does not exist yet, so awaited operations use
// `net::redirect_error(net::use_awaitable, ec)`.
#pragma once

// clang-format off
#include <utility>  // must precede Asio (Boost 1.74 bug)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on

namespace kongsi::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Requests are read whole into a string (bodies are bounded by ServerOptions::max_body_bytes).
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// `co_await op(..., Await(ec))`: an awaitable completion that stores the error instead of
// throwing.
inline auto Await(error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

// Beast 1.74 uses boost::string_view; the module's interfaces use std::string_view.
inline std::string_view AsStd(boost::beast::string_view v) { return {v.data(), v.size()}; }
inline boost::beast::string_view AsBeast(std::string_view v) { return {v.data(), v.size()}; }

}  // namespace kongsi::http::detail
