// The layout editor's mirror of the server's layout rules (views/admin/layoutRules.js): what Build and Save
// refuse at once, before the server is asked.
import { describe, expect, it } from 'vitest'
import { LIMITS, buildProblem, categoryProblems, problemList, sameName, wholeNumber } from '@/views/admin/layoutRules'

describe('wholeNumber', () => {
  it('takes whole numbers as typed and nothing else', () => {
    expect(wholeNumber('12')).toBe(12)
    expect(wholeNumber(' 7 ')).toBe(7)
    expect(wholeNumber(40)).toBe(40)
    for (const raw of ['1e3', '1.5', '-2', '', '0x10', ' ', null, undefined, 1.5, -1, NaN, '9999999999'])
      expect(wholeNumber(raw), String(raw)).toBeNull()
  })
})

describe('buildProblem', () => {
  it('builds within the server limits', () => {
    expect(buildProblem('10', '16')).toBeNull()
    expect(buildProblem(100, 100)).toBeNull() // exactly 10,000 seats
    expect(buildProblem('500', '20')).toBeNull()
    expect(buildProblem('20', '500')).toBeNull()
  })
  it('names the limit that is crossed', () => {
    expect(buildProblem('1e3', '10')).toEqual({ key: 'whole', params: {} })
    expect(buildProblem('0', '10').key).toBe('whole')
    expect(buildProblem('2.5', '10').key).toBe('whole')
    expect(buildProblem('501', '1')).toEqual({ key: 'rows', params: { max: LIMITS.rows } })
    expect(buildProblem('1', '501')).toEqual({ key: 'rowCells', params: { max: LIMITS.rowCells } })
    expect(buildProblem('120', '100')).toEqual({ key: 'seats', params: { max: 10_000, seats: 12_000 } })
    expect(buildProblem('99999', '99999').key).toBe('rows')
  })
})

describe('categoryProblems', () => {
  const cat = (name, pct = 100) => ({ code: 'x', name, price_pct: pct })
  it('accepts distinct names and whole percentages from 10 to 1000', () => {
    expect(categoryProblems([cat('VIP', 150), cat('General', 10), cat('مقاعد مميزة', 1000)])).toEqual([{}, {}, {}])
  })
  it('refuses the same name again, ignoring case and spaces, naming the earlier one', () => {
    const found = categoryProblems([cat('VIP'), cat('vip '), cat('General'), cat(' general'), cat('VIP')])
    expect(found.map((p) => p.name?.key ?? null)).toEqual([null, 'nameTaken', null, 'nameTaken', 'nameTaken'])
    expect(found[1].name.params).toEqual({ name: 'VIP' })
    expect(found[3].name.params).toEqual({ name: 'General' })
  })
  it('refuses empty and over-long names, counting characters as the server does', () => {
    const found = categoryProblems([cat('   '), cat('x'.repeat(61)), cat('😀'.repeat(60)), cat('x'.repeat(300))])
    expect(found.map((p) => p.name?.key ?? null)).toEqual(['nameEmpty', 'nameLong', null, 'nameLong'])
    expect(found[1].name.params).toEqual({ max: 60, count: 61 })
    expect(found[3].name.params).toEqual({ max: 60, count: 300 })
  })
  it('reads fullwidth, compatibility and case variants as one name, as the server does', () => {
    const found = categoryProblems([cat('VIP'), cat('ＶＩＰ'), cat('Straße'), cat('STRASSE'), cat('ﬁne'), cat('FINE')])
    expect(found.map((p) => p.name?.key ?? null)).toEqual([null, 'nameTaken', null, 'nameTaken', null, 'nameTaken'])
    expect(sameName(' Ｖｉｐ ')).toBe(sameName('vip'))
  })
  it('refuses percentages out of range or not whole', () => {
    const found = categoryProblems([cat('a', 5), cat('b', 1001), cat('c', 12.5), cat('d', ''), cat('e', '150')])
    expect(found.map((p) => p.price_pct?.key ?? null)).toEqual(['pct', 'pct', 'pct', 'pct', null])
  })
})

describe('problemList', () => {
  it('flattens a 422 into paths without the wrappers', () => {
    expect(
      problemList({
        'layout.categories.2.name': ['Another category already has this name.'],
        json: { rows: { 3: { label: ['Duplicate'] } }, _schema: ['Whole layout'] },
        layout: ['Must be an object.'],
      }),
    ).toEqual([
      [['categories', '2', 'name'], 'Another category already has this name.'],
      [['rows', '3', 'label'], 'Duplicate'],
      [[], 'Whole layout'],
      [[], 'Must be an object.'],
    ])
    expect(problemList(null)).toEqual([])
  })
})
