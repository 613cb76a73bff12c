/**
 * Reading the worker runtime's Prometheus endpoint for the intake's `/metrics`: the address a
 * scraper uses, and an answer that never fails the intake's own metrics.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { freePort } from '../../workers/dev-server.js';
import { fetchRuntimeMetrics, runtimeMetricsUrl } from '../../workers/metrics.js';

describe('runtimeMetricsUrl', () => {
  it.each([
    ['127.0.0.1:9464', 'http://127.0.0.1:9464/metrics'],
    ['0.0.0.0:9464', 'http://127.0.0.1:9464/metrics'],
    ['[::]:9464', 'http://[::1]:9464/metrics'],
    ['worker:9464', 'http://worker:9464/metrics'],
  ])('reaches %s at %s', (bind, url) => {
    expect(runtimeMetricsUrl(bind)).toBe(url);
  });
});

describe('fetchRuntimeMetrics', () => {
  it('returns the exporter text, ending with a newline', async () => {
    const server = createServer((_req, res) => res.end('temporal_worker_start{namespace="default"} 1'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await expect(fetchRuntimeMetrics(`127.0.0.1:${port}`)).resolves.toBe('temporal_worker_start{namespace="default"} 1\n');
    server.close();
  });

  it('answers a Prometheus comment naming the problem when nothing listens', async () => {
    const text = await fetchRuntimeMetrics(`127.0.0.1:${await freePort()}`, 1_000);
    expect(text).toMatch(/^# worker metrics unavailable: .+\n$/);
  });
});
