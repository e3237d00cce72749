import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../observability/logger';
import type { PrincipalContext } from '../auth/principal';
import type { PiiReadsContext } from './audit-read';

/** Records a request's clear PII reads once its result is complete (graphql-ws events do it in onNext). */
export const piiReadAudit = (logger: Logger): ApolloServerPlugin<PrincipalContext & PiiReadsContext> => ({
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue }) {
        contextValue.piiReads.flush(contextValue, logger);
      },
    };
  },
});
