// The TAXII service without sockets: routing and the order of checks (401 before anything,
// then 404, 405, 406), collection visibility (a hidden collection answers exactly like an
// unknown one), rights, status ownership, paging, the date headers, and delete.
#include "taxii/service.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/uuid.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::taxii {
namespace {

using ::testing::HasSubstr;

constexpr char kShared[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kInternal[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";
constexpr char kUnknown[] = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00";

std::string Indicator(const std::string& id, const std::string& modified) {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
         R"("valid_from":"2026-01-01T00:00:00Z"})";
}

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("kongsi-taxii-test-" + util::NewUuidV4()));
    std::filesystem::create_directories(*dir_);
    store_ = store::Store::Open({.path = (*dir_ / "store.db").string()}).value().release();
    ASSERT_TRUE(store_->CreateCollection({.id = kShared, .title = "shared", .alias = "sh"}).ok());
    ASSERT_TRUE(store_->CreateCollection({.id = kInternal, .title = "internal"}).ok());
    const util::Clock& clock = util::SystemClock::Get();
    admin_ = new std::string(
        policy::IssueToken(*store_, {.name = "admin", .read = {"*"}, .write = {"*"}}, clock)
            ->token);
    reader_ = new std::string(
        policy::IssueToken(*store_, {.name = "reader", .read = {kShared}}, clock)->token);
    writer_ = new std::string(
        policy::IssueToken(*store_, {.name = "writer", .write = {kShared}}, clock)->token);
  }
  static void TearDownTestSuite() {
    delete store_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete admin_;
    delete reader_;
    delete writer_;
  }

  void SetUp() override {
    ServiceConfig config;
    config.api_roots.push_back({.name = "api1", .title = "one"});
    config.api_roots.push_back(
        {.name = "api2", .collections = {kInternal}, .max_content_length = 2048});
    config.max_page_size = 3;
    disclosure_ = std::make_unique<policy::Disclosure>(*store_, util::SystemClock::Get());
    auth_ = std::make_unique<policy::TokenAuthenticator>(*store_);
    service_ =
        std::make_unique<Service>(config, *store_, *disclosure_, *auth_, util::SystemClock::Get());
  }

  Response Call(std::string_view method, std::string_view path, const std::string& token,
                std::string_view query = "", std::string_view body = "",
                std::string_view accept = "application/taxii+json;version=2.1") {
    auth_header_ = token.empty() ? "" : "Bearer " + token;
    Request r{.method = method,
              .path = path,
              .query = query,
              .body = body,
              .accept = accept,
              .content_type = "application/taxii+json;version=2.1",
              .authorization = auth_header_,
              .host = "127.0.0.1:9440"};
    return service_->Handle(r);
  }

  static nlohmann::json Json(const Response& r) { return nlohmann::json::parse(r.body); }

  std::string Post(const std::string& collection, const std::vector<std::string>& objects,
                   const std::string& token) {
    std::string body = "{\"objects\":[";
    for (size_t i = 0; i < objects.size(); ++i) body += (i ? "," : "") + objects[i];
    body += "]}";
    Response r = Call("POST", "/api1/collections/" + collection + "/objects/", token, "", body);
    EXPECT_EQ(r.status, 202) << r.body;
    return r.body;
  }

  static std::filesystem::path* dir_;
  static store::Store* store_;
  static std::string *admin_, *reader_, *writer_;
  std::string auth_header_;
  std::unique_ptr<policy::Disclosure> disclosure_;
  std::unique_ptr<policy::TokenAuthenticator> auth_;
  std::unique_ptr<Service> service_;
};

std::filesystem::path* ServiceTest::dir_ = nullptr;
store::Store* ServiceTest::store_ = nullptr;
std::string* ServiceTest::admin_ = nullptr;
std::string* ServiceTest::reader_ = nullptr;
std::string* ServiceTest::writer_ = nullptr;

TEST_F(ServiceTest, NothingWithoutCredentialsNotEvenWhetherAPathExists) {
  for (const char* path : {"/taxii2/", "/api1/", "/nope/", "/api1/collections/x/objects/"}) {
    Response r = Call("GET", path, "");
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.headers.at(0).first, "WWW-Authenticate");
    EXPECT_EQ(Json(r)["http_status"], "401");
  }
  EXPECT_EQ(Call("GET", "/taxii2/", "kongsi_0123456789abcdef_wrong").status, 401);
}

TEST_F(ServiceTest, DiscoveryAndApiRoots) {
  Response r = Call("GET", "/taxii2/", *reader_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/taxii+json;version=2.1");
  EXPECT_EQ(Json(r)["default"], "http://127.0.0.1:9440/api1/");
  EXPECT_EQ(Json(r)["api_roots"].size(), 2u);
  r = Call("GET", "/api2", *reader_);  // the final slash is optional
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["max_content_length"], 2048);
  EXPECT_EQ(Json(r)["versions"][0], "application/taxii+json;version=2.1");
  EXPECT_EQ(r.route, "taxii.api_root");
  EXPECT_EQ(r.principal, "reader");
}

TEST_F(ServiceTest, HiddenCollectionLooksExactlyLikeAnUnknownOne) {
  Response hidden = Call("GET", std::string("/api1/collections/") + kInternal + "/", *reader_);
  Response unknown = Call("GET", std::string("/api1/collections/") + kUnknown + "/", *reader_);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(unknown.status, 404);
  std::string a = hidden.body, b = unknown.body;
  a.replace(a.find(kInternal), 36, "ID");
  b.replace(b.find(kUnknown), 36, "ID");
  EXPECT_EQ(a, b);
  Response list = Call("GET", "/api1/collections/", *reader_);
  ASSERT_EQ(Json(list)["collections"].size(), 1u);
  EXPECT_EQ(Json(list)["collections"][0]["id"], kShared);
  EXPECT_EQ(Json(list)["collections"][0]["can_write"], false);
  // A collection outside the API root is unknown there, even to the admin.
  EXPECT_EQ(Call("GET", std::string("/api2/collections/") + kShared + "/", *admin_).status, 404);
  EXPECT_EQ(Call("GET", std::string("/api2/collections/") + kInternal + "/", *admin_).status, 200);
}

TEST_F(ServiceTest, MethodAcceptAndContentTypeChecks) {
  const std::string objects = std::string("/api1/collections/") + kShared + "/objects/";
  Response r = Call("PUT", objects, *admin_);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at(0).second, "GET, HEAD, POST");
  EXPECT_EQ(Call("GET", objects, *admin_, "", "", "application/json").status, 406);
  EXPECT_EQ(Call("GET", "/api1/nothing/here/", *admin_).status, 404);
  auth_header_ = "Bearer " + *admin_;
  Request post{.method = "POST",
               .path = objects,
               .body = "{\"objects\":[]}",
               .content_type = "application/json",
               .authorization = auth_header_};
  EXPECT_EQ(service_->Handle(post).status, 415);
}

TEST_F(ServiceTest, RightsDecideReadAndWrite) {
  const std::string objects = std::string("/api1/collections/") + kShared + "/objects/";
  const std::string body =
      "{\"objects\":[" + Indicator("indicator--" + util::NewUuidV4(), "2026-01-01T00:00:00.000Z") +
      "]}";
  EXPECT_EQ(Call("POST", objects, *reader_, "", body).status, 403);
  EXPECT_EQ(Call("POST", objects, *writer_, "", body).status, 202);
  EXPECT_EQ(Call("GET", objects, *writer_).status, 403);
  EXPECT_EQ(Call("GET", objects, *reader_).status, 200);
}

TEST_F(ServiceTest, StatusIsVisibleOnlyToItsCreator) {
  const std::string status = Post(
      kShared, {Indicator("indicator--" + util::NewUuidV4(), "2026-01-01T00:00:00.000Z")}, *admin_);
  const std::string id = nlohmann::json::parse(status)["id"];
  Response mine = Call("GET", "/api1/status/" + id + "/", *admin_);
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body, status);
  EXPECT_EQ(Call("GET", "/api1/status/" + id + "/", *reader_).status, 404);
}

TEST_F(ServiceTest, PagesWalkEverythingOnceWithHeadersAndNext) {
  ASSERT_TRUE(
      store_->CreateCollection({.id = "3f0f0b5e-5d4e-4b8a-9c39-7d2f5a8f9e10", .title = "paging"})
          .ok());
  const std::string c = "3f0f0b5e-5d4e-4b8a-9c39-7d2f5a8f9e10";
  std::set<std::string> posted;
  for (int i = 0; i < 8; ++i) {
    const std::string id = "indicator--" + util::NewUuidV4();
    posted.insert(id);
    Post(c, {Indicator(id, "2026-01-01T00:00:00.000Z")}, *admin_);
  }
  std::set<std::string> seen;
  std::string next;
  int pages = 0;
  for (; pages < 10; ++pages) {
    Response r = Call("GET", "/api1/collections/" + c + "/objects/", *admin_,
                      next.empty() ? "" : "next=" + next);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto json = Json(r);
    for (const auto& o : json["objects"]) EXPECT_TRUE(seen.insert(o["id"]).second);
    EXPECT_EQ(r.headers.at(0).first, "X-TAXII-Date-Added-First");
    if (!json["more"].get<bool>()) break;
    next = json["next"];
  }
  EXPECT_EQ(pages, 2);  // 3 + 3 + 2 with max_page_size 3
  EXPECT_EQ(seen, posted);
  // The manifest pages the same way.
  Response m = Call("GET", "/api1/collections/" + c + "/manifest/", *admin_, "limit=100");
  EXPECT_EQ(Json(m)["objects"].size(), 3u);
  EXPECT_EQ(Json(m)["objects"][0]["media_type"], "application/stix+json;version=2.1");
}

TEST_F(ServiceTest, ObjectVersionsAndDelete) {
  const std::string id = "indicator--" + util::NewUuidV4();
  Post(kShared,
       {Indicator(id, "2026-01-01T00:00:00.000Z"), Indicator(id, "2026-02-01T00:00:00.000Z")},
       *admin_);
  const std::string object = std::string("/api1/collections/") + kShared + "/objects/" + id + "/";
  Response versions = Call("GET", object + "versions/", *reader_);
  ASSERT_EQ(versions.status, 200);
  EXPECT_EQ(Json(versions)["versions"],
            nlohmann::json({"2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"}));
  Response last = Call("GET", object, *reader_);
  ASSERT_EQ(Json(last)["objects"].size(), 1u);
  EXPECT_EQ(Json(last)["objects"][0]["modified"], "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(Json(Call("GET", object, *reader_, "match[version]=all"))["objects"].size(), 2u);
  EXPECT_EQ(Json(Call("GET", object, *reader_, "match[version]=first,last"))["objects"].size(), 2u);
  EXPECT_EQ(Call("DELETE", object, *reader_).status, 403);
  EXPECT_EQ(Call("DELETE", object, *admin_, "match[version]=2026-02-01T00:00:00.000Z").status, 200);
  EXPECT_EQ(Json(Call("GET", object, *reader_))["objects"][0]["modified"],
            "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(Call("DELETE", object, *admin_).status, 200);
  EXPECT_EQ(Call("GET", object, *reader_).status, 404);
  EXPECT_EQ(Call("DELETE", object, *admin_).status, 404);
}

TEST_F(ServiceTest, BadFilterIsA400NamingIt) {
  Response r = Call("GET", std::string("/api1/collections/") + kShared + "/objects/", *reader_,
                    "limit=zero");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r)["description"].get<std::string>(), HasSubstr("limit"));
}

TEST_F(ServiceTest, BodyOverTheApiRootLimitIs413) {
  const std::string big = "{\"objects\":[" + std::string(4000, ' ') + "]}";
  Response r =
      Call("POST", std::string("/api2/collections/") + kInternal + "/objects/", *admin_, "", big);
  EXPECT_EQ(r.status, 413);
}

}  // namespace
}  // namespace kongsi::taxii
