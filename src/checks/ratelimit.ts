/**
 * The stable-port proxy adds X-Forwarded-For / -Proto / -Host. A rate limiter in an app
 * that does not trust the proxy either rejects those requests (express-rate-limit's
 * ERR_ERL_UNEXPECTED_X_FORWARDED_FOR) or counts every client as the proxy.
 */
import { readFile } from 'node:fs/promises';
import { sourceFiles } from './envcontract/contract.js';

export const RATE_LIMITERS = ['express-rate-limit', 'rate-limiter-flexible', '@nestjs/throttler', 'express-slow-down', '@fastify/rate-limit', 'koa-ratelimit'];

export interface RateLimiterUse {
  limiter: string | undefined;
  trustsProxy: boolean;
}

export async function rateLimiterUse(appDir: string, deps: readonly string[]): Promise<RateLimiterUse> {
  const limiter = RATE_LIMITERS.find((l) => deps.includes(l));
  if (!limiter) return { limiter: undefined, trustsProxy: false };
  let trustsProxy = false;
  for (const file of await sourceFiles(appDir).catch(() => [])) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/['"`]trust proxy['"`]|trustProxy\s*:\s*(true|\d|['"`])/.test(text)) {
      trustsProxy = true;
      break;
    }
  }
  return { limiter, trustsProxy };
}
