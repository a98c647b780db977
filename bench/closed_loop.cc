// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "closed_loop.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace vcp::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }
double Seconds(const timespec& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9; }

}  // namespace

Round RunClosedLoop(int clients, double seconds, const std::function<bool(int, int64_t)>& op,
                    const std::function<void()>& at_start, const std::function<void()>& at_end) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::vector<int64_t> failures(static_cast<size_t>(clients), 0);
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  int finished = 0;
  Clock::time_point start, end, last_done;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    latencies[static_cast<size_t>(c)].reserve(100000);
    threads.emplace_back([&, c] {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return go; });
      }
      auto& mine = latencies[static_cast<size_t>(c)];
      for (int64_t i = 0;; ++i) {
        const auto t0 = Clock::now();
        if (t0 >= end) break;
        if (!op(c, i)) ++failures[static_cast<size_t>(c)];
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      std::lock_guard<std::mutex> lock(mu);
      last_done = std::max(last_done, Clock::now());
      if (++finished == clients) cv.notify_all();
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    if (at_start) at_start();
    start = Clock::now();
    end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    last_done = start;
    go = true;
  }
  cv.notify_all();
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return finished == clients; });
    if (at_end) at_end();
  }
  for (auto& thread : threads) thread.join();
  Round round;
  round.seconds = std::chrono::duration<double>(last_done - start).count();
  for (int c = 0; c < clients; ++c) {
    round.latencies_ms.insert(round.latencies_ms.end(), latencies[static_cast<size_t>(c)].begin(),
                              latencies[static_cast<size_t>(c)].end());
    round.failures += failures[static_cast<size_t>(c)];
  }
  return round;
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return Seconds(t);
}

double ProcessCpuSeconds(pid_t pid) {
  clockid_t clock = 0;
  timespec t{};
  if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &t) == 0) return Seconds(t);
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15 of proc(5)
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const size_t rank = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

double Median(std::vector<double> values) { return Quantile(std::move(values), 0.5); }

}  // namespace vcp::bench
