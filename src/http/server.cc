#include "http/server.h"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "http/access_log.h"
#include "http/asio.h"
#include "http/connections.h"
#include "http/metrics.h"
#include "http/responder.h"
#include "http/session.h"
#include "http/tls.h"
#include "spdlog/spdlog.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::http {

using detail::error_code;
using detail::tcp;
namespace net = detail::net;

namespace {

// After the grace period, closed connections get this long to unwind before the io threads
// stop (a handler that is still running cannot be interrupted; joining waits for it).
constexpr std::chrono::milliseconds kForcedCloseWait{1000};
// Accept failures such as "too many open files" are retried after this pause.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

absl::Status CheckOptions(const ServerOptions& o) {
  if (o.threads < 0) return absl::InvalidArgumentError("http: threads must be >= 0");
  if (o.max_header_bytes == 0 || o.max_connections == 0) {
    return absl::InvalidArgumentError("http: max_header_bytes and max_connections must be > 0");
  }
  if (o.request_timeout.count() <= 0 || o.idle_timeout.count() <= 0 ||
      o.shutdown_grace.count() < 0) {
    return absl::InvalidArgumentError("http: timeouts must be positive");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "http: set both tls_cert_file and tls_key_file for HTTPS, or neither for HTTP");
  }
  return absl::OkStatus();
}

void LogSessionFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("http: connection ended by an exception: {}", x.what());
  } catch (...) {
    spdlog::error("http: connection ended by a non-exception");
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(const ServerOptions& options, Handler handler, ErrorRenderer error_renderer,
       Metrics* metrics)
      : options_(options),
        metrics_(metrics),
        registry_(options_.max_connections, metrics),
        handler_(std::move(handler)),
        error_renderer_(std::move(error_renderer)) {}

  ~Impl() { Shutdown(); }

  absl::Status Init();
  void Run();
  void Shutdown();
  int RunUntilSignal();

  uint16_t port() const { return port_; }
  std::string url() const;

 private:
  net::awaitable<void> AcceptLoop();
  void Serve(tcp::socket socket);

  const ServerOptions options_;
  Metrics* const metrics_;
  std::unique_ptr<AccessLog> access_log_;
  std::unique_ptr<net::ssl::context> tls_;
  detail::ConnectionRegistry registry_;
  Handler handler_;               // moved into responder_ by Init
  ErrorRenderer error_renderer_;  // likewise
  std::unique_ptr<detail::Responder> responder_;
  std::unique_ptr<detail::SessionEnv> env_;
  tcp::endpoint endpoint_;
  uint16_t port_ = 0;

  // Destroyed before everything above: destroying an io_context destroys the sessions
  // suspended in it, which use the members above.
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::unique_ptr<tcp::acceptor> acceptor_;  // on contexts_[0]
  std::vector<std::thread> threads_;
  size_t next_context_ = 0;  // round robin; only used by AcceptLoop

  std::mutex shutdown_mu_;  // held for the whole of Shutdown
  bool shut_down_ = false;  // guarded by shutdown_mu_

  std::mutex signal_mu_;
  bool stop_requested_ = false;                // guarded by signal_mu_
  net::io_context* signal_context_ = nullptr;  // guarded by signal_mu_
};

absl::Status Server::Impl::Init() {
  error_code ec;
  net::ip::address address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        util::StrCat("http: invalid listen address '", options_.address, "': ", ec.message()));
  }
  if (!options_.tls_cert_file.empty()) {
    KONGSI_ASSIGN_OR_RETURN(
        tls_, detail::MakeTlsServerContext(options_.tls_cert_file, options_.tls_key_file));
  }
  if (!options_.access_log.empty()) {
    KONGSI_ASSIGN_OR_RETURN(access_log_, AccessLog::Open(options_.access_log));
  }
  responder_ = std::make_unique<detail::Responder>(
      options_, std::move(handler_), std::move(error_renderer_), metrics_, access_log_.get());
  env_ = std::make_unique<detail::SessionEnv>(
      detail::SessionEnv{options_, *responder_, registry_, tls_.get()});

  int threads = options_.threads;
  if (threads == 0) threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    // One thread per io_context: a connection's handlers never run concurrently, no strands.
    contexts_.push_back(std::make_unique<net::io_context>(1));
  }

  std::string where = util::StrCat(options_.address, ":", options_.port);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_ = std::make_unique<tcp::acceptor>(*contexts_[0]);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (!ec) endpoint_ = acceptor_->local_endpoint(ec);
  if (ec) {
    return absl::UnavailableError(
        util::StrCat("http: cannot listen on ", where, ": ", ec.message()));
  }
  port_ = endpoint_.port();
  return absl::OkStatus();
}

void Server::Impl::Run() {
  net::co_spawn(*contexts_[0], AcceptLoop(), LogSessionFailure);
  for (size_t i = 0; i < contexts_.size(); ++i) {
    work_.push_back(net::make_work_guard(*contexts_[i]));
    threads_.emplace_back([this, i] {
      std::string name = util::StrCat("kongsi-http-", i);
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      for (;;) {
        try {
          contexts_[i]->run();
          return;
        } catch (const std::exception& e) {  // defensive: our handlers do not throw
          spdlog::error("http: io thread {}: {}", i, e.what());
        }
      }
    });
  }
  spdlog::info("http: listening on {} ({} io threads)", url(), contexts_.size());
}

std::string Server::Impl::url() const {
  std::string host = endpoint_.address().to_string();
  if (endpoint_.address().is_v6()) host = util::StrCat("[", host, "]");
  return util::StrCat(tls_ ? "https://" : "http://", host, ":", port_);
}

net::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    net::io_context& context = *contexts_[next_context_++ % contexts_.size()];
    error_code ec;
    tcp::socket socket = co_await acceptor_->async_accept(
        net::any_io_executor(context.get_executor()), detail::Await(ec));
    if (ec == net::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) {
      // Out of file descriptors or memory: pause instead of spinning; the backlog waits.
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer pause(co_await net::this_coro::executor, kAcceptRetryDelay);
      co_await pause.async_wait(detail::Await(ec));
      continue;
    }
    Serve(std::move(socket));
  }
}

void Server::Impl::Serve(tcp::socket socket) {
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto executor = socket.get_executor();
  auto connection = std::make_shared<detail::Connection>(executor);
  switch (registry_.Admit(connection)) {
    case detail::ConnectionRegistry::Admission::kAdmitted:
      if (tls_) {
        net::co_spawn(executor,
                      detail::RunSession<detail::TlsStream>(*env_, connection, std::move(socket)),
                      LogSessionFailure);
      } else {
        net::co_spawn(executor,
                      detail::RunSession<detail::PlainStream>(*env_, connection, std::move(socket)),
                      LogSessionFailure);
      }
      return;
    case detail::ConnectionRegistry::Admission::kFull:
      if (!registry_.TryBeginReject()) return;  // too many refusals in flight: just close
      if (tls_) {
        net::co_spawn(executor,
                      detail::RejectConnection<detail::TlsStream>(*env_, std::move(socket)),
                      LogSessionFailure);
      } else {
        net::co_spawn(executor,
                      detail::RejectConnection<detail::PlainStream>(*env_, std::move(socket)),
                      LogSessionFailure);
      }
      return;
    case detail::ConnectionRegistry::Admission::kShuttingDown:
      return;  // closed by the socket's destructor
  }
}

void Server::Impl::Shutdown() {
  {
    std::lock_guard lock(signal_mu_);
    stop_requested_ = true;
    if (signal_context_ != nullptr) signal_context_->stop();
  }
  std::lock_guard lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (threads_.empty()) return;  // Init failed: nothing runs

  // 1. Stop accepting: from now on connecting is refused.
  std::promise<void> closed;
  net::post(*contexts_[0], [this, &closed] {
    error_code ignored;
    acceptor_->close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();

  // 2. Close idle connections; busy ones close after writing their response.
  registry_.BeginShutdown();
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  if (!registry_.WaitUntilEmpty(deadline)) {
    spdlog::warn("http: {} connections still open after the {} ms shutdown grace; closing them",
                 registry_.size(), options_.shutdown_grace.count());
    registry_.CloseAll();
    if (!registry_.WaitUntilEmpty(std::chrono::steady_clock::now() + kForcedCloseWait)) {
      spdlog::warn("http: stopping with {} connections open (handlers still running?)",
                   registry_.size());
    }
  }

  // 3. Stop the io threads; then destroy what remains suspended in them.
  for (auto& work : work_) work.reset();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) thread.join();
  acceptor_.reset();
  contexts_.clear();
  if (access_log_) access_log_->Flush();
  spdlog::info("http: server on port {} stopped", port_);
}

int Server::Impl::RunUntilSignal() {
  net::io_context context(1);
  net::signal_set signals(context);
  error_code ec;
  signals.add(SIGINT, ec);
  signals.add(SIGTERM, ec);
  int received = 0;
  signals.async_wait([&received](const error_code& error, int signal_number) {
    if (!error) received = signal_number;
  });
  bool wait;
  {
    std::lock_guard lock(signal_mu_);
    wait = !stop_requested_;
    if (wait) signal_context_ = &context;
  }
  if (wait) {
    context.run();
    std::lock_guard lock(signal_mu_);
    signal_context_ = nullptr;
  }
  if (received != 0) spdlog::info("http: signal {} received, shutting down", received);
  Shutdown();
  return received;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler,
                                                      ErrorRenderer error_renderer,
                                                      Metrics* metrics) {
  KONGSI_RETURN_IF_ERROR(CheckOptions(options));
  if (!handler) return absl::InvalidArgumentError("http: no handler");
  auto impl =
      std::make_unique<Impl>(options, std::move(handler), std::move(error_renderer), metrics);
  KONGSI_RETURN_IF_ERROR(impl->Init());
  impl->Run();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;  // Impl's destructor shuts down

uint16_t Server::port() const { return impl_->port(); }
std::string Server::url() const { return impl_->url(); }
void Server::Shutdown() { impl_->Shutdown(); }
int Server::RunUntilSignal() { return impl_->RunUntilSignal(); }

}  // namespace kongsi::http
