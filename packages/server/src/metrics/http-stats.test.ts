import { AggregatorRegistry, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { sample } from '../../test/metrics-text.js';
import { HttpStats } from './http-stats.js';

function statsIn(registry: Registry): HttpStats {
  const stats = new HttpStats();
  stats.register(registry);
  return stats;
}

describe('HttpStats', () => {
  it('renders a Prometheus histogram: cumulative buckets, inclusive bounds, sum and count', async () => {
    const registry = new Registry();
    const stats = statsIn(registry);
    for (const seconds of [0.001, 0.0011, 0.3, 7]) stats.record('GET', '/me', 200, seconds);
    stats.record('GET', '/me', 401, 0.002);
    const text = await registry.metrics();
    const labels = { method: 'GET', route: '/me' };
    expect(text).toContain('# TYPE signet_http_request_duration_seconds histogram');
    expect(sample(text, 'signet_http_request_duration_seconds_bucket', { ...labels, le: '0.001' })).toBe(1);
    expect(sample(text, 'signet_http_request_duration_seconds_bucket', { ...labels, le: '0.0025' })).toBe(3);
    expect(sample(text, 'signet_http_request_duration_seconds_bucket', { ...labels, le: '0.5' })).toBe(4);
    expect(sample(text, 'signet_http_request_duration_seconds_bucket', { ...labels, le: '5' })).toBe(4);
    expect(sample(text, 'signet_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(5);
    expect(sample(text, 'signet_http_request_duration_seconds_count', labels)).toBe(5);
    expect(sample(text, 'signet_http_request_duration_seconds_sum', labels)).toBeCloseTo(7.3041, 6);
    expect(sample(text, 'signet_http_requests_total', { ...labels, status: '200' })).toBe(4);
    expect(sample(text, 'signet_http_requests_total', { ...labels, status: '401' })).toBe(1);
  });

  it('sums over processes the way prom-client aggregates a cluster', async () => {
    const [a, b] = [new Registry(), new Registry()];
    statsIn(a).record('GET', '/healthz', 200, 0.001);
    const other = statsIn(b);
    other.record('GET', '/healthz', 200, 0.2);
    other.record('POST', '/oauth/token', 400, 0.01);
    const text = await AggregatorRegistry.aggregate([await a.getMetricsAsJSON(), await b.getMetricsAsJSON()]).metrics();
    expect(sample(text, 'signet_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(2);
    expect(sample(text, 'signet_http_requests_total', { method: 'POST', route: '/oauth/token', status: '400' })).toBe(
      1,
    );
    expect(
      sample(text, 'signet_http_request_duration_seconds_bucket', { method: 'GET', route: '/healthz', le: '0.1' }),
    ).toBe(1);
    expect(sample(text, 'signet_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' })).toBe(2);
  });
});
