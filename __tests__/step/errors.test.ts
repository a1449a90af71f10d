/** Reading anything thrown (src/step/errors.ts): its message, and the walk down its causes. */
import { causes, messageOf } from '../../src/step/errors.js'

describe('messageOf', () => {
  it.each([
    [new Error('boom'), 'boom'],
    [{ message: 'plain object' }, 'plain object'],
    [{ message: 42 }, '[object Object]'],
    ['text', 'text'],
    [undefined, 'undefined']
  ])('gives the message of %p', (thrown, message) => {
    expect(messageOf(thrown)).toBe(message)
  })
})

describe('causes', () => {
  it('lists the error, then each cause in turn', () => {
    const inner = new Error('inner')
    const middle = { cause: inner }
    const outer = Object.assign(new Error('outer'), { cause: middle })
    expect(causes(outer)).toEqual([outer, middle, inner])
  })

  it('ends at a cause that is null, undefined or not an object', () => {
    expect(causes(null)).toEqual([])
    expect(causes(undefined)).toEqual([])
    const outer = Object.assign(new Error('x'), { cause: null })
    expect(causes(outer)).toEqual([outer])
    expect(causes({ cause: 'a string cause' })).toEqual([
      { cause: 'a string cause' },
      'a string cause'
    ])
  })

  it('stops after six, so a cycle cannot hang it and a deep chain is cut', () => {
    const looped: { cause?: unknown } = {}
    looped.cause = looped
    expect(causes(looped)).toHaveLength(6)
    let deep: unknown = { name: 'deepest' }
    for (let i = 0; i < 6; i++) deep = { cause: deep }
    expect(causes(deep)).toHaveLength(6)
    expect(causes(deep)).not.toContainEqual({ name: 'deepest' })
  })
})
