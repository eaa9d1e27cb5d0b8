/**
 * Policy actions: an admin publishes a version, a member accepts the one in force. Each writes one
 * signed record (the fold checks again: policy.ts).
 */
import { randomSecret } from '../crypto/keys.js'
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { MAX_POLICY_BYTES } from '../model/index.js'
import { currentPolicy } from './policy.js'
import type { AdminContext } from './admin-actions.js'
import type { VerifiedRecord } from '../model/index.js'

/** As an admin, publish `text` as the next policy version. */
export async function setPolicy (a: AdminContext, text: string, everySession: boolean): Promise<VerifiedRecord[]> {
  if (text.trim().length === 0) throw new InvalidArgumentError('a usage policy needs some text')
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new InvalidArgumentError(`a usage policy is at most ${MAX_POLICY_BYTES} bytes`)
  const version = (currentPolicy(a.state)?.version ?? 0) + 1
  return [await a.write({ policy: { version, text, everySession } })]
}

/** As a member, accept the policy in force (`version`, if given, must be it); a new session id when it asks at every session. */
export async function acceptPolicy (a: AdminContext, version?: number): Promise<VerifiedRecord[]> {
  if (!a.state.members.has(a.me)) throw new NotMemberError('this node is not in the directory')
  const current = currentPolicy(a.state)
  if (current === undefined) throw new InvalidArgumentError('the org has no usage policy to accept')
  if (version !== undefined && version !== current.version) throw new InvalidArgumentError(`version ${version} is not the policy in force (version ${current.version}): read it again`)
  const session = current.everySession ? randomSecret(16) : new Uint8Array(0)
  return [await a.write({ policyAcceptance: { version: current.version, session } })]
}
