// Unit tests of the load generator's pure parts: the latency histogram and option parsing.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "zkctl/bench/histogram.h"
#include "zkctl/bench/options.h"

using zkctl::bench::Histogram;
using zkctl::bench::Options;
using zkctl::bench::Workload;

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 0; v < 32; v++) h.record(v);
  EXPECT_EQ(h.count(), 32u);
  EXPECT_EQ(h.percentile(0.5), 15u);
  EXPECT_EQ(h.percentile(1.0), 31u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 31u);
}

TEST(Histogram, BucketsCoverEveryValueWithBoundedError) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; i++) {
    uint64_t v = rng() >> (rng() % 64);
    int b = Histogram::bucket_of(v);
    ASSERT_GE(b, 0);
    ASSERT_LT(b, Histogram::kBuckets);
    uint64_t hi = Histogram::bucket_upper(b);
    ASSERT_GE(hi, v);
    ASSERT_LE(double(hi - v), double(v) / 32.0 + 1.0) << v;
    if (b > 0) {
      ASSERT_LT(Histogram::bucket_upper(b - 1), v) << v;
    }
  }
  EXPECT_EQ(Histogram::bucket_upper(Histogram::bucket_of(UINT64_MAX)), UINT64_MAX);
}

TEST(Histogram, PercentilesWithinThreePercentOfExact) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> d(12.0, 1.0);  // ~160 us median in ns
  std::vector<uint64_t> vals;
  Histogram a, b;
  for (int i = 0; i < 200000; i++) {
    uint64_t v = uint64_t(d(rng));
    vals.push_back(v);
    (i % 2 ? a : b).record(v);
  }
  a.merge(b);
  std::sort(vals.begin(), vals.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    uint64_t exact = vals[size_t(q * double(vals.size())) - 1];
    double got = double(a.percentile(q));
    EXPECT_NEAR(got, double(exact), double(exact) * 0.035) << q;
  }
  EXPECT_EQ(a.count(), vals.size());
  EXPECT_EQ(a.max(), vals.back());
  EXPECT_EQ(a.percentile(1.0), vals.back());
}

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.percentile(0.99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

namespace {
bool parse(std::vector<std::string> args, Options* o, std::string* err) {
  args.insert(args.begin(), "bench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return zkctl::bench::parse_options(int(argv.size()), argv.data(), o, err);
}
}  // namespace

TEST(Options, Defaults) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({}, &o, &err)) << err;
  EXPECT_EQ(o.connections, 16);
  EXPECT_EQ(o.inflight, 64);
  EXPECT_EQ(o.value_size, 100);
  EXPECT_EQ(o.threads, 1);
  EXPECT_EQ(o.workload, Workload::kGet);
  EXPECT_FALSE(o.json);
}

TEST(Options, ParsesEverything) {
  Options o;
  std::string err;
  ASSERT_TRUE(parse({"--server",
                     "localhost:2182",
                     "--connections=8",
                     "--inflight",
                     "4",
                     "--workload",
                     "mix:70",
                     "--value-size",
                     "10",
                     "--ops",
                     "1000",
                     "--warmup",
                     "0",
                     "--rate",
                     "5000",
                     "--keys",
                     "77",
                     "--threads",
                     "2",
                     "-o",
                     "json",
                     "--root",
                     "/b",
                     "--sequential",
                     "--keep",
                     "--multi-ops",
                     "3"},
                    &o, &err))
      << err;
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 2182);
  EXPECT_EQ(o.connections, 8);
  EXPECT_EQ(o.inflight, 4);
  EXPECT_EQ(o.workload, Workload::kMix);
  EXPECT_EQ(o.read_percent, 70);
  EXPECT_EQ(o.ops, 1000u);
  EXPECT_EQ(o.rate, 5000);
  EXPECT_EQ(o.keys, 77);
  EXPECT_EQ(o.threads, 2);
  EXPECT_TRUE(o.json && o.sequential && o.keep);
  EXPECT_EQ(o.root, "/b");
  EXPECT_EQ(o.multi_ops, 3);
}

TEST(Options, RejectsNonsense) {
  for (std::vector<std::string> bad : {std::vector<std::string>{"--workload", "frobnicate"},
                                       {"--workload", "mix:101"},
                                       {"--connections", "0"},
                                       {"--connections", "-3"},
                                       {"--server", "host:99999"},
                                       {"--duration", "x"},
                                       {"--threads", "32", "--connections", "4"},
                                       {"--root", "zk"},
                                       {"--root", "/a/"},
                                       {"--inflight"},
                                       {"--bogus", "1"},
                                       {"-o", "xml"}}) {
    Options o;
    std::string err;
    EXPECT_FALSE(parse(bad, &o, &err)) << bad[0];
    EXPECT_FALSE(err.empty());
  }
}

#include "zkctl/bench/keeper_config.h"
#include "zkctl/bench/yaml_lite.h"

using zkctl::bench::YNode;

TEST(YamlLite, MappingsSequencesRepeatedKeysAndQuotes) {
  YNode n;
  std::string err;
  ASSERT_TRUE(
      zkctl::bench::parse_yaml("a: 1   # comment\n"
                               "b:\n"
                               "  - \"x: y\"\n"
                               "  - 'z'\n"
                               "  - k: v\n"
                               "    k2: v2\n"
                               "node:\n"
                               "  name: one\n"
                               "node:\n"
                               "  name: two\n"
                               "empty:\n"
                               "seq_same_indent:\n"
                               "- p\n",
                               &n, &err))
      << err;
  ASSERT_EQ(n.kind, YNode::kMap);
  EXPECT_EQ(n.get("a")->scalar, "1");
  const YNode* b = n.get("b");
  ASSERT_EQ(b->kind, YNode::kSeq);
  ASSERT_EQ(b->seq.size(), 3u);
  EXPECT_EQ(b->seq[0].scalar, "x: y");
  EXPECT_EQ(b->seq[1].scalar, "z");
  EXPECT_EQ(b->seq[2].get("k2")->scalar, "v2");
  auto nodes = n.all("node");
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[1]->get("name")->scalar, "two");
  EXPECT_EQ(n.get("empty")->kind, YNode::kNull);
  EXPECT_EQ(n.get("seq_same_indent")->seq.at(0).scalar, "p");
}

TEST(YamlLite, RejectsWhatItDoesNotSupport) {
  YNode n;
  std::string err;
  EXPECT_FALSE(zkctl::bench::parse_yaml("a: [1, 2]\n", &n, &err));
  EXPECT_FALSE(zkctl::bench::parse_yaml("a: 1\n   b: 2\n", &n, &err));
  EXPECT_FALSE(zkctl::bench::parse_yaml("a:\n\t- 1\n", &n, &err));
  EXPECT_FALSE(zkctl::bench::parse_yaml("just text\n", &n, &err));
}

TEST(KeeperConfig, LoadsTheExampleAndMapsOptions) {
  zkctl::bench::KeeperConfig c;
  std::string err;
  ASSERT_TRUE(zkctl::bench::load_keeper_config(BENCH_SOURCE_DIR "/keeper_example.yaml", &c, &err))
      << err;
  EXPECT_EQ(c.concurrency, 8);
  EXPECT_EQ(c.iterations, 20000u);
  EXPECT_EQ(c.host, "localhost:2181");
  ASSERT_EQ(c.setup.size(), 3u);
  EXPECT_EQ(c.setup[2].children.at(0).repeat, 5);
  ASSERT_EQ(c.requests.size(), 6u);
  EXPECT_EQ(c.requests[0].type, zkctl::bench::RequestSpec::kCreate);
  EXPECT_DOUBLE_EQ(c.requests[0].remove_factor, 0.5);
  EXPECT_EQ(c.requests[1].path.paths.size(), 1u);
  EXPECT_EQ(c.requests[1].path.children_of.at(0), "/kb_tree");
  EXPECT_EQ(c.requests[5].multi_size.max, 4);
  // 3 top nodes + 5 children + 10 grandchildren, parents before children.
  auto nodes = zkctl::bench::expand_setup(c, 1);
  EXPECT_EQ(nodes.size(), 18u);
  EXPECT_EQ(nodes[3].path.rfind("/kb_tree/", 0), 0u);

  Options o;
  ASSERT_TRUE(parse({"--config", "x.yaml", "--inflight", "4"}, &o, &err)) << err;
  zkctl::bench::apply_keeper_config(c, &o);
  EXPECT_EQ(o.connections, 8);
  EXPECT_EQ(o.inflight, 4);  // the command line wins
  EXPECT_EQ(o.ops, 20000u);
  EXPECT_EQ(o.port, 2181);
  EXPECT_TRUE(o.duration_caps_ops());  // timelimit: 30 caps iterations
  EXPECT_EQ(o.duration_s, 30);
}
