/**
 * The failures of a bench run, one class each, recognised by `err.name`.
 */

/** Network namespaces cannot be made here (not root, or no iproute2). */
export class NetnsUnavailableError extends Error {
  override name = 'NetnsUnavailableError'
}

/** A step did not finish within its time limit. */
export class BenchTimeoutError extends Error {
  override name = 'BenchTimeoutError'
}

/** An agent reported an error, or went away. */
export class AgentFailedError extends Error {
  override name = 'AgentFailedError'
}

/** The whole run went over its hard limit, or was interrupted. */
export class BenchAbortedError extends Error {
  override name = 'BenchAbortedError'
}
