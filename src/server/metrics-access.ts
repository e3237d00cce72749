import type express from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Metrics name operations and error codes and reveal load: with METRICS_TOKEN only its bearer reads them; without
 * one, development serves them openly and production not at all.
 */
export function metricsAccess(token: string | undefined, production: boolean): express.RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req, res, next) => {
    if (!expected) return production ? void res.status(404).end() : next();
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
    // Hashes of equal length, so the comparison takes the same time whatever was sent.
    if (given && timingSafeEqual(createHash('sha256').update(given).digest(), expected)) return next();
    res.status(401).set('www-authenticate', 'Bearer').end();
  };
}
