import { isDependencyUnavailable } from './unavailable';

const err = (props: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), props);

describe('isDependencyUnavailable', () => {
  it.each([
    ['a refused connect', err({ code: 'ECONNREFUSED' }), true],
    ['a refused connect inside an AggregateError', new AggregateError([err({ code: 'ECONNREFUSED' })]), true],
    ['a socket reset', err({ code: 'ECONNRESET' }), true],
    ['PostgreSQL shutting down (57P01)', err({ code: '57P01' }), true],
    ['PostgreSQL starting up (57P03)', err({ code: '57P03' }), true],
    ['a connection exception (08006)', err({ code: '08006' }), true],
    ['too many connections (53300)', err({ code: '53300' }), true],
    ['pg: connection terminated', err({}, 'Connection terminated unexpectedly'), true],
    ['pg-pool: connect timeout', err({}, 'timeout exceeded when trying to connect'), true],
    ['TypeORM QueryFailedError around 57P01', err({ driverError: err({ code: '57P01' }) }), true],
    ['an error caused by a refused connect', err({ cause: err({ code: 'ECONNREFUSED' }) }), true],
    ['a unique violation (23505)', err({ code: '23505' }), false],
    ['a syntax error (42601)', err({ code: '42601' }), false],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')"), false],
    ['not an error', 'ECONNREFUSED', false],
    ['nothing', undefined, false],
  ])('%s → %s', (_what, e, expected) => {
    expect(isDependencyUnavailable(e)).toBe(expected);
  });
});
