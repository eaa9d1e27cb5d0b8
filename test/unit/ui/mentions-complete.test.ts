import { describe, expect, it } from 'vitest'
import { complete } from '../../../src/ui/complete.js'
import { editorOf } from '../../../src/ui/line-editor.js'
import { findMentions } from '../../../src/ui/mentions.js'

const people = [
  { peerId: '12D3KooWann111aaaaaa', name: 'Ann Lee' },
  { peerId: '12D3KooWbob222bbbbbb', name: 'Bob Marsh' },
  { peerId: '12D3KooWbby333cccccc', name: 'Bobby Tan' },
  { peerId: '12D3KooWsam444dddddd', name: 'Sam Lee' },
  { peerId: '12D3KooWsam555eeeeee', name: 'Sam Lee' }
]
const who = (text: string): Array<string | undefined> => findMentions(text, people).map(m => m.peerId)

describe('ui/mentions', () => {
  it('mentions by the whole name, or a unique start of any word of it', () => {
    expect(who('@Ann Lee can you look')).toEqual(['12D3KooWann111aaaaaa'])
    expect(who('@ann, @marsh and @tan')).toEqual(['12D3KooWann111aaaaaa', '12D3KooWbob222bbbbbb', '12D3KooWbby333cccccc'])
    // "bob" is a whole word of Bob Marsh's name: him, not Bobby
    expect(who('urgent @Bob please')).toEqual(['12D3KooWbob222bbbbbb'])
    expect(who('mail ann@example.com')).toEqual([])
    expect(who('@nobody here')).toEqual([])
  })

  it('leaves an ambiguous mention unresolved, with everyone it could mean', () => {
    const [bo] = findMentions('hey @bo', people)
    expect(bo?.token).toBe('bo')
    expect(bo?.peerId).toBeUndefined()
    expect(bo!.candidates.map(p => p.name)).toEqual(['Bob Marsh', 'Bobby Tan'])
    const [sam] = findMentions('@Sam Lee hi', people)
    expect(sam!.peerId).toBeUndefined()
    expect(sam!.candidates).toHaveLength(2)
  })
})

describe('ui/complete', () => {
  const c = { people, teams: ['general', 'dev', 'design'] }
  it('completes people after @, at the start of a line and after /msg', () => {
    expect(complete(editorOf('ask @mar'), c).editor).toEqual({ text: 'ask @Bob Marsh ', cursor: 15 })
    expect(complete(editorOf('an'), c).editor.text).toBe('Ann Lee: ')
    expect(complete(editorOf('/msg tan'), c).editor.text).toBe('/msg Bobby Tan: ')
    const several = complete(editorOf('hi @sa'), c)
    expect(several.editor.text).toBe('hi @Sam Lee')
    expect(several.choices).toEqual(['Sam Lee (…dddddd)', 'Sam Lee (…eeeeee)'])
  })

  it('completes commands and teams, and in the middle of a line', () => {
    expect(complete(editorOf('/jo'), c).editor.text).toBe('/join ')
    expect(complete(editorOf('/join de'), c)).toMatchObject({ editor: { text: '/join de' }, choices: ['design', 'dev'] })
    expect(complete(editorOf('/join dev'), c).editor.text).toBe('/join dev ')
    expect(complete(editorOf('see #gen'), c).editor.text).toBe('see #general ')
    expect(complete({ text: 'ping @an about it', cursor: 8 }, c).editor).toEqual({ text: 'ping @Ann Lee  about it', cursor: 14 })
    expect(complete(editorOf('nothing to do '), c).editor.text).toBe('nothing to do ')
  })

  it('cycles through the choices on repeated Tabs', () => {
    expect(complete(editorOf('/join de'), c, 0).editor.text).toBe('/join design ')
    expect(complete(editorOf('/join de'), c, 1).editor.text).toBe('/join dev ')
    expect(complete(editorOf('/join de'), c, 2).editor.text).toBe('/join design ')
    expect(complete(editorOf('ask @bo'), c, 0).editor.text).toBe('ask @Bob Marsh ')
    const second = complete(editorOf('ask @bo'), c, 1)
    expect(second.editor.text).toBe('ask @Bobby Tan ')
    expect(second.choices).toHaveLength(2)
  })
})
