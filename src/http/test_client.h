// A small blocking HTTP/1.1 client for the tests of src/http/ (test-only; not in kongsi_http,
// which globs *.cc: this header is included by *_test.cc only). Raw sockets with a receive
// timeout, optionally TLS through OpenSSL, and Beast's response parser fed by hand, so tests
// can send malformed or partial requests and never hang.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/asio.h"

namespace kongsi::http::testing {

using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

class Client {
 public:
  // Connects to 127.0.0.1:port (and does the TLS handshake with `tls`); null on failure.
  static std::unique_ptr<Client> Connect(
      uint16_t port, SSL_CTX* tls = nullptr,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    std::unique_ptr<Client> client(new Client(fd));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return nullptr;
    client->SetTimeout(timeout);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (tls != nullptr) {
      client->ssl_ = SSL_new(tls);
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client->ssl_), "127.0.0.1");
      SSL_set_fd(client->ssl_, fd);
      if (SSL_connect(client->ssl_) != 1) return nullptr;
    }
    return client;
  }

  ~Client() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    ::close(fd_);
  }

  void SetTimeout(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ != nullptr ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                               : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        if (ssl_ == nullptr && errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (`head`: the request was HEAD, so no body follows the header).
  std::optional<ClientResponse> Read(bool head = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.eager(true);
    parser.skip(head);
    for (;;) {
      while (!buffer_.empty() && !parser.is_done()) {
        detail::error_code ec;
        size_t used = parser.put(boost::asio::buffer(buffer_), ec);
        buffer_.erase(0, used);
        if (ec == boost::beast::http::error::need_more) break;
        if (ec) return std::nullopt;
        if (used == 0) break;
      }
      if (parser.is_done()) return parser.release();
      if (!Receive()) {
        if (!eof_ || !parser.got_some()) return std::nullopt;
        detail::error_code ec;
        parser.put_eof(ec);
        if (ec || !parser.is_done()) return std::nullopt;
        return parser.release();
      }
    }
  }

  // Reads raw bytes until `terminator` has arrived; returns everything up to and including it.
  std::optional<std::string> ReadUntil(std::string_view terminator) {
    for (;;) {
      size_t at = buffer_.find(terminator);
      if (at != std::string::npos) {
        std::string out = buffer_.substr(0, at + terminator.size());
        buffer_.erase(0, at + terminator.size());
        return out;
      }
      if (!Receive()) return std::nullopt;
    }
  }

  std::optional<ClientResponse> Get(std::string_view target, std::string_view extra_headers = "") {
    std::string request = "GET ";
    request += target;
    request += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    request += extra_headers;
    request += "\r\n";
    if (!Send(request)) return std::nullopt;
    return Read();
  }

  // True when the server closed the connection (EOF or reset) within the timeout, without
  // sending anything more.
  bool Closed() {
    if (!buffer_.empty()) return false;
    if (Receive()) return false;
    return eof_ || reset_;
  }

 private:
  explicit Client(int fd) : fd_(fd) {}

  // Appends what arrives to buffer_; false on EOF (eof_), reset (reset_), error or timeout.
  bool Receive() {
    char chunk[16384];
    for (;;) {
      long n;
      if (ssl_ != nullptr) {
        n = SSL_read(ssl_, chunk, sizeof(chunk));
        if (n <= 0) {
          int err = SSL_get_error(ssl_, static_cast<int>(n));
          if (err == SSL_ERROR_ZERO_RETURN ||
              (err == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET)) ||
              err == SSL_ERROR_SSL) {
            eof_ = true;  // close_notify, or the TCP connection ended
          }
          return false;
        }
      } else {
        n = ::recv(fd_, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) {
          eof_ = true;
          return false;
        }
        if (n < 0) {
          reset_ = errno == ECONNRESET;
          return false;
        }
      }
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  const int fd_;
  SSL* ssl_ = nullptr;
  std::string buffer_;
  bool eof_ = false;
  bool reset_ = false;
};

}  // namespace kongsi::http::testing
