#include "zkd/server/ops/admin_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <map>

#include "zkd/server/ops/admin_commands.h"

namespace zkd::ops {

namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class CommandHandler : public HTTPRequestHandler {
 public:
  CommandHandler(ServerView& view, std::string command_url)
      : view_(view), command_url_(std::move(command_url)) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    Poco::URI uri(req.getURI());
    std::string path = uri.getPath();
    if (path == command_url_ || path == command_url_ + "/") {
      send(resp, HTTPResponse::HTTP_OK, "text/html", admin_command_listing(command_url_));
      return;
    }
    std::string prefix = command_url_ + "/";
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size() ||
        path.find('/', prefix.size()) != std::string::npos) {
      send(resp, HTTPResponse::HTTP_NOT_FOUND, "text/plain", "Not Found\n");
      return;
    }
    std::map<std::string, std::string> params;
    for (const auto& [k, v] : uri.getQueryParameters()) params[k] = v;
    AdminResponse r = run_admin_command(path.substr(prefix.size()), view_, params);
    send(resp, static_cast<HTTPResponse::HTTPStatus>(r.http_status), "application/json", r.body);
  }

 private:
  static void send(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status,
                   const std::string& type, const std::string& body) {
    resp.setStatus(status);
    resp.setContentType(type);
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.send() << body;
  }

  ServerView& view_;
  std::string command_url_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(ServerView& view, std::string command_url)
      : view_(view), command_url_(std::move(command_url)) {}
  HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new CommandHandler(view_, command_url_);
  }

 private:
  ServerView& view_;
  std::string command_url_;
};

}  // namespace

AdminServer::AdminServer(ServerView& view, std::string address, uint16_t port,
                         std::string command_url, int idle_timeout_ms)
    : view_(view),
      address_(std::move(address)),
      port_(port),
      command_url_(std::move(command_url)),
      idle_timeout_ms_(idle_timeout_ms) {
  while (command_url_.size() > 1 && command_url_.back() == '/') command_url_.pop_back();
  if (command_url_.empty() || command_url_[0] != '/') command_url_ = "/" + command_url_;
}

AdminServer::~AdminServer() {
  stop();
}

void AdminServer::start() {
  if (server_) return;
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address_, port_), 64);
  bound_port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  params->setMaxQueued(64);
  params->setTimeout(Poco::Timespan(static_cast<long>(idle_timeout_ms_) * 1000));
  params->setKeepAlive(true);
  params->setServerName("zkd");
  server_ =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(view_, command_url_), socket, params);
  server_->start();
}

void AdminServer::stop() {
  if (!server_) return;
  server_->stopAll(true);
  server_.reset();
}

}  // namespace zkd::ops
