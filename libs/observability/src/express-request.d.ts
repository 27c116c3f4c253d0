// The request id that the gateway's request logger puts on every request.
import 'express-serve-static-core';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}
