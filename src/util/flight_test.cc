// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
#include "vcp/util/flight.h"

#include <gmock/gmock.h>

#include <string>

#include "support/fake_clock.h"
#include "support/pending.h"

namespace vcp {
namespace {

using ::testing::HasSubstr;

TEST(FlightTest, EveryWaiterGetsTheResultOnce) {
  testing::FakeClock clock;
  auto flight = std::make_shared<Flight<std::string>>();
  testing::Pending<std::string> a, b;
  flight->Wait(clock, clock.Now() + std::chrono::seconds(5), "timed out", a.Callback());
  flight->Wait(clock, clock.Now() + std::chrono::seconds(5), "timed out", b.Callback());
  EXPECT_FALSE(a.ready());
  flight->Complete(std::string("token"));
  flight->Complete(std::string("second"));  // only the first completion counts
  EXPECT_EQ(a.get().value(), "token");
  EXPECT_EQ(b.get().value(), "token");
  EXPECT_EQ(a.calls(), 1);
  EXPECT_EQ(clock.pending(), 0u) << "the waiters' deadlines are cancelled";
  testing::Pending<std::string> late;
  flight->Wait(clock, clock.Now() + std::chrono::seconds(5), "timed out", late.Callback());
  EXPECT_EQ(late.get().value(), "token") << "a completed flight answers at once";
}

TEST(FlightTest, EachWaiterHasItsOwnDeadline) {
  testing::FakeClock clock;
  auto flight = std::make_shared<Flight<int>>();
  testing::Pending<int> hurried, patient;
  flight->Wait(clock, clock.Now() + std::chrono::seconds(1), "the Mount's deadline passed", hurried.Callback());
  flight->Wait(clock, clock.Now() + std::chrono::seconds(60), "the Mount's deadline passed", patient.Callback());
  clock.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(hurried.ready());
  EXPECT_EQ(hurried.get().status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(hurried.get().status().message(), HasSubstr("the Mount's deadline passed"));
  EXPECT_FALSE(patient.ready()) << "one waiter's deadline does not end another's wait";
  EXPECT_EQ(flight->waiting(), 1u);
  flight->Complete(7);
  EXPECT_EQ(patient.get().value(), 7);
  EXPECT_EQ(hurried.calls(), 1) << "a waiter that timed out is not answered again";
}

TEST(FlightTest, ALeaderThatGoesAwayCompletesTheFlight) {
  testing::FakeClock clock;
  auto flight = std::make_shared<Flight<int>>();
  testing::Pending<int> waiter;
  flight->Wait(clock, clock.Now() + std::chrono::hours(1), "timed out", waiter.Callback());
  {
    FlightLeader<int> leader(flight, absl::UnavailableError("the login was abandoned"));
    // An early return, an exception, a dropped callback: the leader never completes.
  }
  ASSERT_TRUE(waiter.ready()) << "the waiter does not wait out its hour";
  EXPECT_EQ(waiter.get().status().code(), absl::StatusCode::kUnavailable);
}

TEST(FlightTest, ALeaderCompletesOnceAndItsDestructorThenDoesNothing) {
  testing::FakeClock clock;
  auto flight = std::make_shared<Flight<int>>();
  testing::Pending<int> waiter;
  flight->Wait(clock, clock.Now() + std::chrono::hours(1), "timed out", waiter.Callback());
  {
    FlightLeader<int> leader(flight, absl::UnavailableError("abandoned"));
    FlightLeader<int> moved = std::move(leader);  // travels with the work
    moved.Complete(42);
  }
  EXPECT_EQ(waiter.get().value(), 42);
  EXPECT_EQ(waiter.calls(), 1);
}

}  // namespace
}  // namespace vcp
