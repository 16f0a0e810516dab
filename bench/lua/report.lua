-- Prints the run's figures as one JSON line for bench/run.py (latencies in microseconds).
done = function(summary, latency, requests)
  io.write(string.format(
    'JSON {"rps": %.2f, "p50": %d, "p95": %d, "p99": %d, "non_2xx": %d, "requests": %d}\n',
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.requests))
end
