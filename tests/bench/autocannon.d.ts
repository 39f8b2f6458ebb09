// autocannon ships no types and @types/autocannon is not installed: the little the
// ingress benchmark uses (autocannon README "API", lib/run.js result shape).
declare module 'autocannon' {
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Called before every request is sent; returns the (mutated) request. */
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
    requests?: AutocannonRequest[];
  }

  /** hdr-histogram-percentiles-obj, in ms for latency and requests per second for requests. */
  export interface Histogram {
    average: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface AutocannonResult {
    /** Seconds. */
    duration: number;
    latency: Histogram;
    requests: Histogram & { total: number; sent: number };
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  /** An EventEmitter that is also a thenable of the result (when no callback is given). */
  export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    stop(): void;
    /** Every response, with its latency in ms (fractional, unlike result.latency). */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): this;
  }

  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
}
