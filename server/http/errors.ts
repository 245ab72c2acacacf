// Maps every failure to an honest status: bad parameters → 400 with the reason, unknown
// routes → 404, and only genuine server faults → 500 (logged, with no internals in the body).

import type { FastifyError, FastifyInstance } from 'fastify';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** Thrown by routes for a well-formed request naming something that does not exist. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** Thrown by routes for parameters a schema cannot express (e.g. an invalid duration). */
export class BadRequestError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: reasons[statusCode] ?? 'Error', message };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) {
      return reply.code(400).send(errorBody(400, `bad request: ${err.message}`));
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(status, err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody(500, 'internal error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(404, `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
