import { z } from 'zod';
import { section, variable } from './declare';

export const neo4j = section('Neo4j', 'The graph database. Without `NEO4J_URI` the API starts a Neo4j of its own.', {
  uri: variable('NEO4J_URI', z.string().url().optional(), 'use this Neo4j; unset: testcontainers if Docker answers, else the embedded launcher'),
  user: variable('NEO4J_USER', z.string().default('neo4j'), 'user of `NEO4J_URI`'),
  password: variable('NEO4J_PASSWORD', z.string().optional(), 'password of `NEO4J_USER`'),
  database: variable('NEO4J_DATABASE', z.string().default('neo4j'), 'database the API reads and writes'),
  local: {
    dataDir: variable(
      'NEO4J_LOCAL_DATA_DIR',
      z.string().default('.data/neo4j'),
      'data directory of the embedded Neo4j; its running address is published beside it (`.data/neo4j.json`)',
    ),
    pageCacheMb: variable('NEO4J_LOCAL_PAGECACHE_MB', z.coerce.number().int().min(16).default(512), 'page cache of the embedded Neo4j, in MB'),
    heap: variable('NEO4J_LOCAL_HEAP', z.string().regex(/^\d+[mg]$/i, 'a JVM heap size such as 1g or 768m').default('1g'), 'JVM heap of the embedded Neo4j'),
  },
});

export type Neo4jSettings = z.infer<typeof neo4j.schema>;
