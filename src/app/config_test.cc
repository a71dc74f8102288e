// kongsi.toml: defaults, every section, and errors that name file, line, column and key.
#include "app/config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::app {
namespace {

using ::testing::HasSubstr;

TEST(ConfigTest, DefaultsServeEveryCollectionOnLoopback) {
  auto c = ParseServeConfig("", "kongsi.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server.address, "127.0.0.1");
  EXPECT_EQ(c->server.port, 9440);
  ASSERT_EQ(c->taxii.api_roots.size(), 1u);
  EXPECT_EQ(c->taxii.api_roots[0].name, "api1");
  EXPECT_EQ(c->taxii.api_roots[0].collections, std::vector<std::string>{"*"});
  EXPECT_FALSE(c->taxii.tls);
  EXPECT_EQ(c->page_cache_bytes, 64u << 20);
}

TEST(ConfigTest, EverySection) {
  auto c = ParseServeConfig(R"(
[server]
listen = "[::1]:8443"
threads = 4
max_content_length = 1048576
request_timeout = "5s"
idle_timeout = "2m"
max_connections = 100
page_cache_mb = 16
access_log = "/var/log/kongsi/access.log"
tls_cert = "cert.pem"
tls_key = "key.pem"
public_url = "https://taxii.cert.example"

[taxii]
title = "MY-CERT"
contact = "soc@cert.example"
max_page_size = 500

[[taxii.api_root]]
name = "asean"
title = "ASEAN sharing"
collections = ["asean-shared", "91a7b528-80eb-42ed-a74d-c6fbd5a26116"]
max_content_length = 65536

[[collection]]
id = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
title = "Shared"
alias = "asean-shared"
)",
                            "kongsi.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server.address, "::1");
  EXPECT_EQ(c->server.port, 8443);
  EXPECT_EQ(c->server.threads, 4);
  EXPECT_EQ(c->server.max_body_bytes, 1048576u);
  EXPECT_EQ(c->server.request_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c->server.idle_timeout, std::chrono::minutes(2));
  EXPECT_EQ(c->server.max_connections, 100u);
  EXPECT_EQ(c->page_cache_bytes, 16u << 20);
  EXPECT_TRUE(c->taxii.tls);
  EXPECT_EQ(c->taxii.public_url, "https://taxii.cert.example");
  EXPECT_EQ(c->taxii.title, "MY-CERT");
  EXPECT_EQ(c->taxii.max_page_size, 500u);
  ASSERT_EQ(c->taxii.api_roots.size(), 1u);
  EXPECT_EQ(c->taxii.api_roots[0].name, "asean");
  EXPECT_EQ(c->taxii.api_roots[0].max_content_length, 65536u);
  ASSERT_EQ(c->collections.size(), 1u);
  EXPECT_EQ(c->collections[0].alias, "asean-shared");
}

TEST(ConfigTest, ErrorsSayWhereAndWhat) {
  const std::pair<const char*, const char*> cases[] = {
      {"[server]\nlisten = 9440\n", "kongsi.toml:2:10: server.listen: must be a string"},
      {"[server]\nlisten = \"localhost\"\n", "server.listen"},
      {"[server]\nlisten = \"127.0.0.1:70000\"\n", "0 to 65535"},
      {"[server]\nrequest_timeout = \"soon\"\n", "server.request_timeout"},
      {"[server]\nlisten_addr = \"x\"\n", "kongsi.toml:2:1: server.listen_addr: unknown key"},
      {"[server]\ntls_cert = \"c.pem\"\n", "set both"},
      {"[taxii]\n[[taxii.api_root]]\nname = \"taxii2\"\n", "taxii.api_root.name"},
      {"[[taxii.api_root]]\nname = \"a\"\n[[taxii.api_root]]\nname = \"a\"\n", "used twice"},
      {"[[collection]]\nid = \"nope\"\ntitle = \"x\"\n", "collection.id: must be a UUID"},
      {"[server\n", "kongsi.toml:1:"},
      {"colour = \"blue\"\n", "colour: unknown key"},
      // Reaches an internal assertion of toml++ 3.3 (found by fuzz/config_fuzz.cc).
      {"[}erver]\nlisten = \"127.0.0.1:9440\"\n", "kongsi.toml: not valid TOML"},
      // Non-ASCII outside strings reaches undefined behaviour in toml++ 3.3 (fuzzing found it).
      {"[taxii]\ntitl\xc3\xa9 = \"x\"\n", "kongsi.toml:2:5: non-ASCII character outside"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = ParseServeConfig(text, "kongsi.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(c.status().message()), HasSubstr(expected)) << text;
  }
}

TEST(ConfigTest, NonAsciiInStringsAndCommentsIsFine) {
  auto c = ParseServeConfig(
      "# \xc3\x89quipe de r\xc3\xa9ponse\n[taxii]\ntitle = \"CERT \\\" \xc3\xa9 "
      "\xf0\x9f\x94\x92\"\n"
      "description = \"\"\"multi\nligne \xc3\xa9\"\"\"\ncontact = \"\xc3\xa9\" # \xc3\xa9\n",
      "kongsi.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->taxii.title, "CERT \" \xc3\xa9 \xf0\x9f\x94\x92");
  EXPECT_EQ(c->taxii.description, "multi\nligne \xc3\xa9");
  EXPECT_EQ(c->taxii.contact, "\xc3\xa9");
  // Outside double-quoted strings non-ASCII is refused (toml++ 3.3 is not safe with it).
  for (const char* text : {"[taxii]\ncontact = '\xc3\xa9'\n", "[taxii]\ntitle = 7e'''\xcc\xa3\n",
                           "[taxii]\ntitle = \"\xff\"\n", "[taxii]\ntitle = \"\\\xc3\xa9\"\n"}) {
    EXPECT_FALSE(ParseServeConfig(text, "kongsi.toml").ok()) << text;
  }
}

TEST(ConfigTest, Durations) {
  EXPECT_EQ(*ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*ParseDuration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::hours(1));
  for (const char* bad : {"", "s", "10", "10 s", "-1s", "1.5s", "10d"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(ConfigTest, MissingFileIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(LoadServeConfig("/nonexistent/kongsi.toml").status()));
}

constexpr char kPolicy[] = R"(
[policy]
organisation = "my-cert"
default_tlp = "green"
drop_properties = ["x_internal_*"]

[[organisation]]
name = "my-cert"
identity = "identity--11111111-1111-4111-8111-111111111111"

[[organisation]]
name = "bank-a"
description = "a constituent"

[[principal]]
name = "sg-node"
organisation = "bank-a"
kind = "peer"

[[community]]
name = "finance"
members = ["bank-a"]

[[agreement]]
name = "fin"
with = ["finance"]
collections = ["*"]
max_tlp = "AMBER+STRICT"
drop_properties = ["x_*"]
replace_created_by = ["*"]
strip_reference_hosts = ["*.corp.example"]
sightings = true
expires = 2027-06-30

[[agreement]]
name = "short"
with = ["bank-a"]
collections = ["*"]
expires = 2027-06-30T12:00:00+02:00
)";

TEST(ConfigPolicyTest, EveryPolicyTable) {
  auto c = ParseServeConfig(kPolicy, "kongsi.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  const policy::PolicySpec& p = c->policy;
  EXPECT_TRUE(c->has_policy);
  EXPECT_EQ(p.node_organisation, "my-cert");
  EXPECT_EQ(p.default_tlp, stix::Tlp::kGreen);
  EXPECT_EQ(p.drop_properties, std::vector<std::string>{"x_internal_*"});
  ASSERT_EQ(p.organisations.size(), 2u);
  EXPECT_EQ(p.organisations[0].identity, "identity--11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(p.organisations[1].where.ToString(), "kongsi.toml:11:1");
  ASSERT_EQ(p.principals.size(), 1u);
  EXPECT_EQ(p.principals[0].kind, policy::PrincipalKind::kPeer);
  ASSERT_EQ(p.communities.size(), 1u);
  ASSERT_EQ(p.agreements.size(), 2u);
  const policy::AgreementSpec& a = p.agreements[0];
  EXPECT_EQ(a.max_tlp, stix::Tlp::kAmberStrict);
  EXPECT_TRUE(a.sightings);
  EXPECT_EQ(a.replace_created_by, std::vector<std::string>{"*"});
  EXPECT_EQ(a.strip_reference_hosts, std::vector<std::string>{"*.corp.example"});
  EXPECT_EQ(a.expires, util::ParseRfc3339("2027-06-30T00:00:00Z")->micros);
  EXPECT_EQ(p.agreements[1].expires, util::ParseRfc3339("2027-06-30T10:00:00Z")->micros);
  EXPECT_EQ(p.agreements[1].max_tlp, stix::Tlp::kGreen);  // the default
}

TEST(ConfigPolicyTest, NoPolicyTablesMeansNoPolicy) {
  auto c = ParseServeConfig("[server]\nthreads = 2\n", "kongsi.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_policy);
  EXPECT_TRUE(c->policy.agreements.empty());
}

TEST(ConfigPolicyTest, ErrorsNameFileLineAndKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"[[agreement]]\nname = \"a\"\nmax_tlp = \"purple\"\n",
       "kongsi.toml:3:11: agreement.max_tlp: \"purple\" is not a TLP level"},
      {"[[agreement]]\nname = \"a\"\nsightings = \"yes\"\n",
       "kongsi.toml:3:13: agreement.sightings: must be true or false"},
      {"[[agreement]]\nname = \"a\"\nexpires = 2027-06-30T12:00:00\n",
       "agreement.expires: a date-time needs a time zone"},
      {"[[agreement]]\nname = \"a\"\nexpires = \"soon\"\n", "kongsi.toml:3:11: agreement.expires:"},
      {"[[organisation]]\nidentity = \"identity--x\"\n", "organisation.name: must be set"},
      {"[[community]]\nname = \"c\"\nmembers = \"bank-a\"\n",
       "community.members: must be a list of strings"},
      {"[[principal]]\nname = \"p\"\nkind = \"robot\"\n",
       "principal.kind: must be \"user\" or \"peer\""},
      {"[policy]\ndefault = \"amber\"\n", "kongsi.toml:2:1: policy.default: unknown key"},
      {"[[agreement]]\nname = \"a\"\nmax_tlp = \"none\"\n", "is not a TLP level"},
      {"agreement = 3\n", "agreement: must be [[agreement]] tables"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = ParseServeConfig(text, "kongsi.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_THAT(std::string(c.status().message()), HasSubstr(expected)) << text;
  }
}

TEST(ConfigPolicyTest, IncludedPolicyFileIsReadRelativeToTheConfiguration) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kongsi-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "kongsi.toml") << "[policy]\ninclude = \"sharing.toml\"\n";
  std::ofstream(dir / "sharing.toml") << kPolicy;
  auto c = LoadServeConfig((dir / "kongsi.toml").string());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->has_policy);
  EXPECT_EQ(c->policy.agreements.size(), 2u);
  EXPECT_EQ(c->policy.source, (dir / "sharing.toml").string());
  EXPECT_EQ(c->policy.organisations[1].where.ToString(), (dir / "sharing.toml").string() + ":11:1");

  // Tables in both files: refused, with the place.
  std::ofstream(dir / "kongsi.toml")
      << "[policy]\ninclude = \"sharing.toml\"\n[[organisation]]\nname = \"x\"\n";
  c = LoadServeConfig((dir / "kongsi.toml").string());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("kongsi.toml:3:1: organisation: "));
  // An error in the included file names that file.
  std::ofstream(dir / "kongsi.toml") << "[policy]\ninclude = \"sharing.toml\"\n";
  std::ofstream(dir / "sharing.toml") << "[[agreement]]\nname = \"a\"\nbogus = 1\n";
  c = LoadServeConfig((dir / "kongsi.toml").string());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("sharing.toml:3:1: agreement.bogus: unknown key"));
  // A missing included file.
  std::filesystem::remove(dir / "sharing.toml");
  c = LoadServeConfig((dir / "kongsi.toml").string());
  EXPECT_TRUE(absl::IsNotFound(c.status())) << c.status();
  std::filesystem::remove_all(dir);
}

// --- [[peer]] ----------------------------------------------------------------------------

TEST(ConfigPeerTest, EveryKeyAndTheDefaults) {
  const char* kText = R"(
[[principal]]
name = "sg-node"
organisation = "sg-cert"
kind = "peer"

[[peer]]
name = "sg-cert"
url = "https://taxii.example.sg/api1"
token_file = "sg.token"
principal = "sg-node"
pull = [{ remote = "8f5b2a9e-0000-4000-8000-000000000001", into = "from-sg" },
        { remote = "8f5b2a9e-0000-4000-8000-000000000002", into = "from-sg" }]
push = [{ local = "fin", to = "8f5b2a9e-0000-4000-8000-000000000003" }]
interval = "30s"
client_cert = "/etc/kongsi/me.pem"
client_key = "me.key"
ca_file = "ca.pem"

[[peer]]
name = "offline-partner"
public_key = "AAAA"
)";
  auto c = ParseServeConfig(kText, "/etc/kongsi/kongsi.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->peers.size(), 2u);
  const federation::PeerSpec& sg = c->peers[0];
  EXPECT_EQ(sg.url, "https://taxii.example.sg/api1/");  // the API root ends with a slash
  EXPECT_EQ(sg.token_file, "/etc/kongsi/sg.token");     // relative to the configuration
  EXPECT_EQ(sg.client_cert, "/etc/kongsi/me.pem");
  EXPECT_EQ(sg.client_key, "/etc/kongsi/me.key");
  EXPECT_EQ(sg.organisation, "sg-cert");  // the organisation of its principal
  EXPECT_EQ(sg.principal, "sg-node");
  ASSERT_EQ(sg.pull.size(), 2u);
  EXPECT_EQ(sg.pull[1].remote, "8f5b2a9e-0000-4000-8000-000000000002");
  EXPECT_EQ(sg.pull[1].into, "from-sg");
  ASSERT_EQ(sg.push.size(), 1u);
  EXPECT_EQ(sg.push[0].local, "fin");
  EXPECT_EQ(sg.interval, std::chrono::seconds(30));
  EXPECT_EQ(sg.where, "/etc/kongsi/kongsi.toml:7");
  const federation::PeerSpec& offline = c->peers[1];
  EXPECT_EQ(offline.organisation, "offline-partner");  // no principal: its own name
  EXPECT_EQ(offline.principal, "offline-partner");
  EXPECT_EQ(offline.interval, std::chrono::seconds(60));
  EXPECT_EQ(FindPeer(*c, "offline-partner"), &c->peers[1]);
  EXPECT_EQ(FindPeer(*c, "nobody"), nullptr);
}

TEST(ConfigPeerTest, ErrorsSayWhereAndWhat) {
  const std::pair<const char*, const char*> cases[] = {
      {"[[peer]]\nurl = \"https://x/\"\n", "kongsi.toml:1:1: peer[0].name: must be set"},
      {"[[peer]]\nname = \"a/b\"\n", "peer[0].name: may hold only letters"},
      {"[[peer]]\nname = \"a\"\n[[peer]]\nname = \"a\"\n", "peer \"a\" is declared twice"},
      {"[[peer]]\nname = \"a\"\nurl = \"ftp://x/\"\n", "peer[0].url: must be the http://"},
      {"[[peer]]\nname = \"a\"\npull = [{ remote = \"r\", into = \"l\" }]\n",
       "peer[0].url: must be set to pull from or push to the peer"},
      {"[[peer]]\nname = \"a\"\nurl = \"http://x/\"\npull = [{ remote = \"r\" }]\n",
       "peer[0].pull: must be a list of { remote"},
      {"[[peer]]\nname = \"a\"\nurl = \"http://x/\"\npush = [{ local = \"l\", from = \"r\" }]\n",
       "peer[0].push.from: unknown key"},
      {"[[peer]]\nname = \"a\"\nurl = \"http://x/\"\npull = \"r\"\n",
       "peer[0].pull: must be a list"},
      {"[[peer]]\nname = \"a\"\ntoken_file = \"t\"\nusername = \"u\"\npassword_file = \"p\"\n",
       "token_file or with username/password_file, not both"},
      {"[[peer]]\nname = \"a\"\nusername = \"u\"\n", "username and password_file go together"},
      {"[[peer]]\nname = \"a\"\nclient_cert = \"c\"\n", "client_cert and client_key go together"},
      {"[[peer]]\nname = \"a\"\ninterval = \"10ms\"\n", "peer[0].interval: must be at least 1s"},
      {"[[peer]]\nname = \"a\"\nnotify_url = \"later\"\n", "peer[0].notify_url: must be an"},
      {"[[peer]]\nname = \"a\"\ncolour = \"x\"\n", "kongsi.toml:3:1: peer[0].colour: unknown key"},
      {"peer = 3\n", "peer: must be [[peer]] tables"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = ParseServeConfig(text, "kongsi.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(c.status().message()), HasSubstr(expected)) << text;
  }
}

}  // namespace
}  // namespace kongsi::app
