// AdminServer JSON: keys per command as a live ZooKeeper 3.8.0 AdminServer returned them
// (Jetty 9.4 + Jackson from Debian's jars), and the HTTP surface over a real socket.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "fake_server_view.h"
#include "zkd/server/ops/admin_commands.h"
#include "zkd/server/ops/admin_server.h"

namespace zkd::ops {
namespace {

using Poco::JSON::Object;
using testing::FakeServerView;

Object::Ptr parse(const std::string& body) {
  Poco::JSON::Parser p;
  return p.parse(body).extract<Object::Ptr>();
}

std::vector<std::string> keys(const Object::Ptr& o) {
  std::vector<std::string> k;
  o->getNames(k);
  std::sort(k.begin(), k.end());
  return k;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(AdminCommandsTest, KeysMatchZooKeeper) {
  FakeServerView view;
  const std::map<std::string, std::vector<std::string>> expected = {
      {"configuration",
       {"client_port", "data_dir", "data_log_dir", "tick_time", "max_client_cnxns",
        "min_session_timeout", "max_session_timeout", "server_id", "client_port_listen_backlog"}},
      {"connections", {"connections", "secure_connections"}},
      {"dirs", {"datadir_size", "logdir_size"}},
      {"dump", {"expiry_time_to_session_ids", "session_id_to_ephemeral_paths"}},
      {"get_trace_mask", {"tracemask"}},
      {"hash", {"digests"}},
      {"initial_configuration", {"initial_configuration"}},
      {"is_read_only", {"read_only"}},
      {"last_snapshot", {"zxid", "timestamp"}},
      {"observers", {"synced_observers", "observers"}},
      {"ruok", {}},
      {"connection_stat_reset", {}},
      {"stat_reset", {}},
      {"observer_connection_stat_reset", {}},
      {"server_stats", {"version", "read_only", "server_stats", "client_response", "node_count"}},
      {"stats",
       {"version", "read_only", "server_stats", "client_response", "node_count", "connections",
        "secure_connections"}},
      {"voting_view", {"current_config"}},
      {"watch_summary", {"num_connections", "num_paths", "num_total_watches"}},
      {"watches", {"session_id_to_watched_paths"}},
      {"watches_by_path", {"path_to_session_ids"}},
      {"zabstate", {"voting", "zabstate"}},
  };
  for (const auto& [name, want] : expected) {
    auto r = run_admin_command(name, view);
    EXPECT_EQ(r.http_status, 200);
    auto o = parse(r.body);
    std::vector<std::string> w = want;
    w.push_back("command");
    w.push_back("error");
    EXPECT_EQ(keys(o), sorted(w)) << name;
    EXPECT_EQ(o->getValue<std::string>("command"), name);
    EXPECT_TRUE(o->isNull("error")) << name;
  }
}

TEST(AdminCommandsTest, AliasesAnswerWithPrimaryName) {
  FakeServerView view;
  for (auto [alias, primary] :
       std::vector<std::pair<std::string, std::string>>{{"conf", "configuration"},
                                                        {"config", "configuration"},
                                                        {"cons", "connections"},
                                                        {"crst", "connection_stat_reset"},
                                                        {"envi", "environment"},
                                                        {"env", "environment"},
                                                        {"mntr", "monitor"},
                                                        {"srvr", "server_stats"},
                                                        {"stat", "stats"},
                                                        {"srst", "stat_reset"},
                                                        {"wchs", "watch_summary"},
                                                        {"wchc", "watches"},
                                                        {"wchp", "watches_by_path"},
                                                        {"isro", "is_read_only"},
                                                        {"lsnp", "last_snapshot"},
                                                        {"gtmk", "get_trace_mask"},
                                                        {"icfg", "initial_configuration"}}) {
    auto o = parse(run_admin_command(alias, view).body);
    EXPECT_EQ(o->getValue<std::string>("command"), primary) << alias;
  }
}

TEST(AdminCommandsTest, ServerStatsNestedKeys) {
  FakeServerView view;
  auto o = parse(run_admin_command("srvr", view).body);
  auto ss = o->getObject("server_stats");
  EXPECT_EQ(keys(ss),
            sorted({"packets_sent", "packets_received", "fsync_threshold_exceed_count",
                    "client_response_stats", "data_dir_size", "log_dir_size", "provider_null",
                    "server_state", "last_processed_zxid", "outstanding_requests", "avg_latency",
                    "max_latency", "min_latency", "num_alive_client_connections", "uptime",
                    "auth_failed_count", "non_mtlsremote_conn_count", "non_mtlslocal_conn_count"}));
  EXPECT_EQ(ss->getValue<double>("avg_latency"), 2.4375);
  EXPECT_EQ(ss->getValue<std::string>("server_state"), "standalone");
  EXPECT_EQ(keys(o->getObject("client_response")),
            sorted({"last_buffer_size", "min_buffer_size", "max_buffer_size"}));
  EXPECT_EQ(o->getValue<int64_t>("node_count"), 9);
}

TEST(AdminCommandsTest, ConnectionsAndDumpValues) {
  FakeServerView view;
  auto o = parse(run_admin_command("connections", view).body);
  auto conns = o->getArray("connections");
  ASSERT_EQ(conns->size(), 3u);
  auto idle = conns->getObject(0);
  EXPECT_EQ(keys(idle), sorted({"remote_socket_address", "interest_ops", "outstanding_requests",
                                "packets_received", "packets_sent"}));
  auto full = conns->getObject(1);
  EXPECT_EQ(full->getValue<std::string>("remote_socket_address"), "127.0.0.1:49656");
  EXPECT_EQ(full->getValue<int64_t>("session_id"), 72057611217272832LL);
  EXPECT_EQ(full->getValue<std::string>("last_operation"), "PING");
  EXPECT_EQ(keys(full).size(), 16u);

  auto d = parse(run_admin_command("dump", view).body);
  auto exp = d->getObject("expiry_time_to_session_ids");
  EXPECT_EQ(exp->getArray("296000")->size(), 2u);
  auto eph = d->getObject("session_id_to_ephemeral_paths")->getArray("72057611217272832");
  EXPECT_EQ(eph->getElement<std::string>(0), "/app/eph1");

  auto ls = parse(run_admin_command("last_snapshot", view).body);
  EXPECT_EQ(ls->getValue<std::string>("zxid"), "0");
  EXPECT_EQ(ls->getValue<int64_t>("timestamp"), 1796166495);

  auto h = parse(run_admin_command("hash", view).body);
  auto first = h->getArray("digests")->getObject(0);
  EXPECT_EQ(first->getValue<int64_t>("zxid"), 128);
  EXPECT_EQ(first->getValue<int64_t>("digest"), 249765763861LL);
  EXPECT_EQ(first->getValue<int>("digest_version"), 2);
}

TEST(AdminCommandsTest, MonitorHasMntrKeysWithoutPrefix) {
  FakeServerView view;
  auto o = parse(run_admin_command("monitor", view).body);
  EXPECT_EQ(o->getValue<std::string>("server_state"), "standalone");
  EXPECT_EQ(o->getValue<int64_t>("znode_count"), 9);
  EXPECT_EQ(o->getValue<double>("avg_latency"), 2.4375);
  EXPECT_EQ(o->getValue<int64_t>("p50_readlatency"), 1);
  EXPECT_FALSE(o->has("zk_znode_count"));
  EXPECT_EQ(keys(o).size(), 485u + 2 + 2);  // ZooKeeper's keys + zkd's 2 + command/error
}

TEST(AdminCommandsTest, ResetsCallTheView) {
  FakeServerView view;
  run_admin_command("crst", view);
  run_admin_command("stat_reset", view);
  EXPECT_EQ(view.connection_resets, 1);
  EXPECT_EQ(view.server_resets, 1);
}

TEST(AdminCommandsTest, UnknownCommandIsAnErrorWithStatus200) {
  FakeServerView view;
  auto r = run_admin_command("nosuch", view);
  EXPECT_EQ(r.http_status, 200);
  auto o = parse(r.body);
  EXPECT_EQ(o->getValue<std::string>("command"), "nosuch");
  EXPECT_EQ(o->getValue<std::string>("error"), "Unknown command: nosuch");
}

TEST(AdminCommandsTest, ErrorsAsZooKeeper) {
  FakeServerView view;
  auto lead = parse(run_admin_command("leader", view).body);
  EXPECT_EQ(lead->getValue<std::string>("error"), "server is not initialized");
  auto stmk = parse(run_admin_command("set_trace_mask", view).body);
  EXPECT_EQ(stmk->getValue<std::string>("error"), "setTraceMask requires long traceMask argument");
  auto set = parse(run_admin_command("stmk", view, {{"traceMask", "42"}}).body);
  EXPECT_EQ(set->getValue<int64_t>("tracemask"), 42);
  run_admin_command("stmk", view, {{"traceMask", "306"}});
  view.serving = false;
  auto ns = parse(run_admin_command("srvr", view).body);
  EXPECT_EQ(ns->getValue<std::string>("error"),
            "This ZooKeeper instance is not currently serving requests");
}

TEST(AdminCommandsTest, BodyIsPrettyPrintedLikeJackson) {
  FakeServerView view;
  EXPECT_EQ(run_admin_command("dirs", view).body,
            "{\n"
            "  \"datadir_size\" : 67109337,\n"
            "  \"logdir_size\" : 67109337,\n"
            "  \"command\" : \"dirs\",\n"
            "  \"error\" : null\n"
            "}");
  // ZooKeeper printed the same document (paths in hash order there, sorted here).
  EXPECT_EQ(run_admin_command("watches_by_path", view).body,
            "{\n"
            "  \"path_to_session_ids\" : {\n"
            "    \"/app/config\" : [ 72057611217272832, 72057611217272833 ],\n"
            "    \"/missing\" : [ 72057611217272832 ]\n"
            "  },\n"
            "  \"command\" : \"watches_by_path\",\n"
            "  \"error\" : null\n"
            "}");
  std::string cons = run_admin_command("connections", view).body;
  EXPECT_EQ(cons.rfind("{\n  \"connections\" : [ {\n    \"remote_socket_address\" : "
                       "\"127.0.0.1:50086\",\n",
                       0),
            0u)
      << cons;
  EXPECT_NE(cons.find("\n  }, {\n"), std::string::npos);
  EXPECT_NE(cons.find("\n  } ],\n  \"secure_connections\" : [ ],\n"), std::string::npos);
  std::string srvr = run_admin_command("server_stats", view).body;
  EXPECT_NE(srvr.find("\n    \"avg_latency\" : 2.4375,\n"), std::string::npos) << srvr;
  EXPECT_NE(srvr.find("\n    \"provider_null\" : false,\n"), std::string::npos);
  view.config_value.initial_config_text = "dataDir=/a/b\n";
  std::string icfg = run_admin_command("icfg", view).body;
  EXPECT_NE(icfg.find("\"initial_configuration\" : \"dataDir=/a/b\\n\""), std::string::npos)
      << icfg;
}

TEST(AdminCommandsTest, ConfigurationKeysInZooKeepersOrder) {
  FakeServerView view;
  std::string body = run_admin_command("conf", view).body;
  size_t last = 0;
  for (const char* k : {"client_port", "data_dir", "data_log_dir", "tick_time", "max_client_cnxns",
                        "min_session_timeout", "max_session_timeout", "server_id",
                        "client_port_listen_backlog", "command", "error"}) {
    size_t at = body.find("\"" + std::string(k) + "\" : ");
    ASSERT_NE(at, std::string::npos) << k;
    EXPECT_GT(at, last) << k;
    last = at;
  }
}

std::pair<int, std::string> http_get(uint16_t port, const std::string& uri) {
  Poco::Net::HTTPClientSession s("127.0.0.1", port);
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, uri);
  s.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& in = s.receiveResponse(resp);
  std::string body;
  Poco::StreamCopier::copyToString(in, body);
  return {resp.getStatus(), body};
}

TEST(AdminServerTest, ServesCommandsOverHttp) {
  FakeServerView view;
  AdminServer server(view, "127.0.0.1", 0);
  server.start();
  ASSERT_NE(server.port(), 0);
  auto [status, body] = http_get(server.port(), "/commands/ruok");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(parse(body)->getValue<std::string>("command"), "ruok");

  auto [ls, list] = http_get(server.port(), "/commands");
  EXPECT_EQ(ls, 200);
  EXPECT_EQ(list.rfind("<a href=\"/commands/configuration\">configuration</a>\n<br/>\n", 0), 0u);
  for (const auto& spec : admin_commands()) {
    EXPECT_NE(list.find(">" + spec.primary + "</a>"), std::string::npos) << spec.primary;
  }
  auto [us, unknown] = http_get(server.port(), "/commands/xyz");
  EXPECT_EQ(us, 200);
  EXPECT_EQ(parse(unknown)->getValue<std::string>("error"), "Unknown command: xyz");
  auto [qs, q] = http_get(server.port(), "/commands/set_trace_mask?traceMask=7");
  EXPECT_EQ(parse(q)->getValue<int64_t>("tracemask"), 7);
  http_get(server.port(), "/commands/set_trace_mask?traceMask=306");
  EXPECT_EQ(http_get(server.port(), "/other").first, 404);
  server.stop();
}

TEST(AdminServerTest, CustomCommandUrl) {
  FakeServerView view;
  AdminServer server(view, "127.0.0.1", 0, "/admin/");
  server.start();
  EXPECT_EQ(http_get(server.port(), "/admin/mntr").first, 200);
  EXPECT_EQ(http_get(server.port(), "/commands/mntr").first, 404);
}

}  // namespace
}  // namespace zkd::ops
