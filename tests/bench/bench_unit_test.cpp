// Unit tests of the load generator's pure parts: the latency histogram and option parsing.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>
#include <algorithm>

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
  ASSERT_TRUE(parse({"--server", "localhost:2182", "--connections=8", "--inflight", "4",
                     "--workload", "mix:70", "--value-size", "10", "--ops", "1000", "--warmup",
                     "0", "--rate", "5000", "--keys", "77", "--threads", "2", "-o", "json",
                     "--root", "/b", "--sequential", "--keep", "--multi-ops", "3"},
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
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"--workload", "frobnicate"}, {"--workload", "mix:101"},
        {"--connections", "0"}, {"--connections", "-3"}, {"--server", "host:99999"},
        {"--duration", "x"}, {"--threads", "32", "--connections", "4"}, {"--root", "zk"},
        {"--root", "/a/"}, {"--inflight"}, {"--bogus", "1"}, {"-o", "xml"}}) {
    Options o;
    std::string err;
    EXPECT_FALSE(parse(bad, &o, &err)) << bad[0];
    EXPECT_FALSE(err.empty());
  }
}
