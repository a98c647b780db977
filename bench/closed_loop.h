// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// mount_bench's measuring tools: a closed loop of client threads, CPU clocks
// of this process and of other processes, and the statistics of a row.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace vcp::bench {

struct Round {
  std::vector<double> latencies_ms;  // one per completed operation
  int64_t failures = 0;
  double seconds = 0;                // from the start to the last operation's end
};

// Runs `op(client, i)` (true on success) in `clients` threads, each in a
// closed loop (the next operation starts when the last one ends), until
// `seconds` have passed; operations started by then finish and count. The
// threads are created before and joined after the measured span; `at_start`
// and `at_end` run on this thread right at its two ends (to read CPU clocks).
Round RunClosedLoop(int clients, double seconds, const std::function<bool(int client, int64_t i)>& op,
                    const std::function<void()>& at_start = {}, const std::function<void()>& at_end = {});

// CPU time (user + system) of this process so far, in seconds (getrusage).
double SelfCpuSeconds();
// CPU time of the calling thread so far, in seconds.
double ThreadCpuSeconds();
// CPU time (utime + stime, every thread, dead ones included) of process
// `pid` so far, in seconds: its CPU-time clock (nanoseconds), else
// /proc/<pid>/stat (clock ticks). -1 if neither can be read.
double ProcessCpuSeconds(pid_t pid);

// The `q` quantile (0..1) of `values` (nearest rank); 0 when empty.
double Quantile(std::vector<double> values, double q);
double Median(std::vector<double> values);

}  // namespace vcp::bench
