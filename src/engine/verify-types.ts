/**
 * The shape of a verification check as the engine runs it. The config schema
 * (`config/schema.ts`, zod) produces values of this shape; the engine does not import it.
 */
export interface JsonExpectation {
  path: string;
  equals?: string | number | boolean | null;
  minItems?: number;
  exists?: boolean;
}

export type VerifyBody = string | Record<string, unknown>;

export interface VerifyCheck {
  name?: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: VerifyBody;
  status: number;
  json?: JsonExpectation[];
  timeoutMs: number;
}
