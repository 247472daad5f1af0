import { describe, expect, it } from 'vitest'
import { useTableSort } from '@/composables/useTableSort'

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
