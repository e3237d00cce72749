import { z } from 'zod';
import { section, variable } from './declare';
import { secret } from './values';

export const metrics = section('Metrics', '`GET /metrics`, for Prometheus.', {
  token: variable(
    'METRICS_TOKEN',
    secret('the bearer token a Prometheus scraper sends'),
    'bearer token `/metrics` requires; unset: open in development, not served in production',
  ),
});

export type MetricsSettings = z.infer<typeof metrics.schema>;
