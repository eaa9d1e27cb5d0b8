/**
 * Facts about the person at this workstation that the CLI offers as defaults.
 */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'

/** The full name of the OS account (the GECOS field of /etc/passwd), else the user name; '' if unknown. */
export function accountFullName (passwd = '/etc/passwd'): string {
  let user: string
  try {
    user = userInfo().username
  } catch {
    return '' // no account entry for this uid (a container): nothing to suggest
  }
  try {
    const line = readFileSync(passwd, 'utf8').split('\n').find(l => l.startsWith(`${user}:`))
    const full = line?.split(':')[4]?.split(',')[0]?.trim() ?? ''
    return full !== '' ? full : user
  } catch {
    return user // no readable passwd file: the user name is still a fair suggestion
  }
}
