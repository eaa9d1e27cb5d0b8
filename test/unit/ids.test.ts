import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, InvalidTeamNameError } from '../../src/errors.js'
import { checkDisplayName, checkPeerId, checkTeamName, printable } from '../../src/ids.js'
import { orgTopic, teamOfTopic, topicOfTeam } from '../../src/net/topics.js'

describe('ids', () => {
  it('accepts team names of the documented shape only', () => {
    for (const ok of ['general', 'dev-ops', 'a', 'team_2', 'x'.repeat(32)]) expect(checkTeamName(ok)).toBe(ok)
    for (const bad of ['', 'General', '-x', 'a b', 'a:b', 'x'.repeat(33), 'é', 42]) expect(() => checkTeamName(bad)).toThrow(InvalidTeamNameError)
  })

  it('trims display names and refuses control characters', () => {
    expect(checkDisplayName('  Ann Lee ')).toBe('Ann Lee')
    for (const bad of ['', '   ', 'a\u001b[31m', 'x'.repeat(65), undefined]) expect(() => checkDisplayName(bad)).toThrow(InvalidArgumentError)
  })

  it('checks peer ids', () => {
    expect(() => checkPeerId('nope')).toThrow(InvalidArgumentError)
    expect(checkPeerId('12D3KooWFydWYAwTG1eeJWJzfPy8wQpNiNyKHfpd8jqpAimei13V')).toBe('12D3KooWFydWYAwTG1eeJWJzfPy8wQpNiNyKHfpd8jqpAimei13V')
  })

  it('neutralises terminal escapes in peer text but keeps newlines and unicode', () => {
    expect(printable('hi\u001b[2Jthere\nnext\tline ünï')).toBe('hi\uFFFD[2Jthere\nnext\tline ünï')
    // bidi controls would make "invoice\u202Efdp.exe" read as "invoiceexe.pdf"; emoji joiners stay
    expect(printable('invoice\u202Efdp.exe \u061Cx \u2067y\u2069 \u{1F468}\u200D\u{1F469}')).toBe('invoice\uFFFDfdp.exe \uFFFDx \uFFFDy\uFFFD \u{1F468}\u200D\u{1F469}')
  })

  it('maps teams to topics and back, refusing foreign topics', () => {
    const org = 'ab'.repeat(32)
    expect(teamOfTopic(org, topicOfTeam(org, 'dev'))).toBe('dev')
    expect(teamOfTopic(org, '/other/topic')).toBeUndefined()
    expect(teamOfTopic(org, topicOfTeam('cd'.repeat(32), 'dev'))).toBeUndefined()
    expect(teamOfTopic(org, `/parley/1/${org}/team/Bad Name`)).toBeUndefined()
    expect(teamOfTopic(org, orgTopic(org))).toBeUndefined()
  })
})
