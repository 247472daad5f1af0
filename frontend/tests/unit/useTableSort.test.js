import { describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { sortKeyIn, sortRows, useQuerySort, useTableSort } from '@/composables/useTableSort'

describe('useTableSort', () => {
  it('sorts figures largest first and names A to Z on their first choice', () => {
    const sort = useTableSort({ initial: 'revenue', ascendingFirst: ['name'] })
    expect([sort.sortKey.value, sort.descending.value]).toEqual(['revenue', true])
    sort.sortBy('name')
    expect([sort.sortKey.value, sort.descending.value]).toEqual(['name', false])
    expect(sort.ariaSort('name')).toBe('ascending')
    expect(sort.ariaSort('revenue')).toBe('none')
    expect(sort.sortIcon('revenue')).toBe('bi-arrow-down-up')
  })

  it('turns the direction round on a second click, by the button, and tells onChange each time', () => {
    let changes = 0
    const sort = useTableSort({ initial: 'length', onChange: () => changes++ })
    sort.sortBy('length')
    expect(sort.descending.value).toBe(false)
    expect(sort.sortIcon('length')).toBe('bi-sort-up')
    sort.flip()
    expect(sort.descending.value).toBe(true)
    sort.chooseSort({ target: { value: 'offers_out' } })
    expect([sort.sortKey.value, sort.descending.value]).toEqual(['offers_out', true])
    expect(changes).toBe(3)
  })
})

describe('sortRows', () => {
  const collator = new Intl.Collator('en')
  const rows = [
    { name: 'Banyan', place: 'Kochi', capacity: 120 },
    { name: 'ashoka', place: 'Chennai', capacity: 300 },
    { name: 'Champa', place: 'Chennai', capacity: 120 },
  ]

  it('sorts names and places in the reader’s alphabet, figures as numbers, ties by name', () => {
    const names = (list) => list.map((row) => row.name)
    expect(names(sortRows(rows, { key: 'name', descending: false, collator }))).toEqual(['ashoka', 'Banyan', 'Champa'])
    expect(names(sortRows(rows, { key: 'place', descending: false, collator, textKeys: ['name', 'place'] }))).toEqual([
      'ashoka',
      'Champa',
      'Banyan',
    ])
    expect(names(sortRows(rows, { key: 'capacity', descending: true, collator }))).toEqual([
      'ashoka',
      'Banyan',
      'Champa',
    ])
    expect(names(sortRows(rows, { key: 'capacity', descending: false, collator }))).toEqual([
      'Banyan',
      'Champa',
      'ashoka',
    ])
    expect(names(rows)).toEqual(['Banyan', 'ashoka', 'Champa']) // a new array: the rows are left as they were
  })
})

describe('useQuerySort', () => {
  const KEYS = ['starts_at', '-starts_at', 'show']

  it('takes a known key from the URL and falls back to the first for anything else', () => {
    expect(sortKeyIn(KEYS, 'show')).toBe('show')
    expect(sortKeyIn(KEYS, 'price')).toBe('starts_at')
    expect(sortKeyIn(KEYS, undefined)).toBe('starts_at')
  })

  it('puts a new choice in the URL at page 1 and follows the URL when it changes (Back, a link)', async () => {
    const query = ref({ page: 3, sort: 'nonsense' })
    const updates = []
    const sort = useQuerySort({ keys: KEYS, query, updateQuery: (changes) => updates.push(changes) })
    expect(sort.sortKey.value).toBe('starts_at')
    sort.chooseSort({ target: { value: '-starts_at' } })
    expect(updates).toEqual([{ sort: '-starts_at', page: 1 }])
    query.value = { page: 1, sort: 'show' }
    await nextTick()
    expect(sort.sortKey.value).toBe('show')
  })

  it("shows the server's own order for the query until a sort is chosen (a theatre's bookings by `when`)", async () => {
    const query = ref({ page: 1, when: 'upcoming', sort: '' })
    const defaultKey = (values) => (values.when === 'past' ? '-starts_at' : 'starts_at')
    const sort = useQuerySort({ keys: KEYS, query, updateQuery: () => {}, defaultKey })
    expect(sort.sortKey.value).toBe('starts_at')
    query.value = { page: 1, when: 'past', sort: '' }
    await nextTick()
    expect(sort.sortKey.value).toBe('-starts_at')
    query.value = { page: 1, when: 'past', sort: 'show' }
    await nextTick()
    expect(sort.sortKey.value).toBe('show')
  })
})
