#!/usr/bin/env python3
"""M/M/1 (lambda 0.9, mu 1, FIFO) in SimPy >= 4, the same model and event
count as bench/refbench/mm1_heap.c: model events = arrivals + departures.
bench/compare.sh runs it when simpy is importable.
usage: bench/mm1_simpy.py CUSTOMERS"""
import random
import sys
import time

import simpy


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    lam, mu = 0.9, 1.0
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    rng = random.Random(1)
    stats = {"done": 0, "sojourn": 0.0}

    def customer(env):
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        stats["done"] += 1
        stats["sojourn"] += env.now - arrived

    def source(env):
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer(env))

    t0 = time.monotonic()
    env.process(source(env))
    env.run()
    wall = time.monotonic() - t0
    events = 2 * stats["done"]
    print(f"simpy-mm1 customers={stats['done']} mean_sojourn={stats['sojourn'] / stats['done']:.3f} "
          f"(theory {1 / (mu - lam):.3f}) events={events} wall_s={wall:.3f} "
          f"events_per_s={events / wall:.0f}")


if __name__ == "__main__":
    main()
