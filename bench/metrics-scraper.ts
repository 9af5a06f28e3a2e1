/**
 * Scrapes the agora server's /metrics once a second while a scenario runs (the agora-metrics
 * target), as a Prometheus server would, so the benchmark measures what serving metrics costs.
 */
import { request } from 'node:http';

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';
const SCRAPE_INTERVAL_MS = 1000;

export interface Scraper {
  /** Stops scraping; answers how many scrapes succeeded and failed. */
  stop(): { scrapes: number; failures: number };
}

function scrapeOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/metrics', headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export function scrapeEverySecond(host: string, port: number): Scraper {
  let scrapes = 0;
  let failures = 0;
  const timer = setInterval(() => {
    void scrapeOnce(host, port).then((ok) => (ok ? scrapes++ : failures++));
  }, SCRAPE_INTERVAL_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return { scrapes, failures };
    },
  };
}
