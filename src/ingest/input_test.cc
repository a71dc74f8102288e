// Reading inputs: plain files, gzip (one or several members), truncated gzip, folders.
#include "ingest/input.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "util/uuid.h"

namespace kongsi::ingest {
namespace {

namespace fs = std::filesystem;

class InputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kongsi-input-test-" + util::NewUuidV4());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Gzip(const std::string& text) {  // one gzip member
    const std::string path = (dir_ / "tmp.gz").string();
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
};

TEST_F(InputTest, ReadsPlainAndGzipByContent) {
  const std::string text = std::string(300000, 'x') + "{\"type\":\"bundle\"}";
  EXPECT_EQ(*ReadSource({Write("plain.json", text)}), text);
  // Named .json but gzip inside: detected by content.
  EXPECT_EQ(*ReadSource({Write("packed.json", Gzip(text))}), text);
}

TEST_F(InputTest, ReadsConcatenatedGzipMembers) {
  const std::string both = Gzip("first line\n") + Gzip("second line\n");
  EXPECT_EQ(*ReadSource({Write("two.gz", both)}), "first line\nsecond line\n");
}

TEST_F(InputTest, TruncatedGzipIsDataLoss) {
  const std::string gz = Gzip(std::string(100000, 'a'));
  auto read = ReadSource({Write("cut.gz", gz.substr(0, gz.size() / 2))});
  EXPECT_TRUE(absl::IsDataLoss(read.status())) << read.status();
}

TEST_F(InputTest, TinyAndEmptyFiles) {
  EXPECT_EQ(*ReadSource({Write("empty.json", "")}), "");
  EXPECT_EQ(*ReadSource({Write("one.json", "{")}), "{");
}

TEST_F(InputTest, FoldersYieldStixLookingFilesInOrder) {
  Write("feed/b.json", "{}");
  Write("feed/a.jsonl.gz", Gzip("{}"));
  Write("feed/README.md", "not stix");
  Write("feed/.hidden/c.json", "{}");
  Write("feed/sub/d.stix", "{}");
  auto sources = ExpandInputs({(dir_ / "feed").string()});
  ASSERT_TRUE(sources.ok());
  std::vector<std::string> names;
  for (const auto& s : *sources) names.push_back(fs::path(s.path).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"a.jsonl.gz", "b.json", "d.stix"}));
  EXPECT_TRUE(absl::IsNotFound(ExpandInputs({(dir_ / "missing").string()}).status()));
}

}  // namespace
}  // namespace kongsi::ingest
