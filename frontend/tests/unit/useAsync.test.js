// useAsync keeps loading, error and data for the latest call only.
import { describe, expect, it } from 'vitest'
import { useAsync } from '@/composables/useAsync'

function deferred() {
  let resolve, reject
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('useAsync', () => {
  it('tracks loading and keeps the result', async () => {
    const pending = deferred()
    const { data, error, loading, run } = useAsync(() => pending.promise, { initialData: [] })
    expect(data.value).toEqual([])
    const call = run()
    expect(loading.value).toBe(true)
    pending.resolve(['a'])
    await expect(call).resolves.toEqual(['a'])
    expect([data.value, error.value, loading.value]).toEqual([['a'], null, false])
  })

  it('keeps the error and leaves the data as it was', async () => {
    const { data, error, loading, run } = useAsync(async (fail) => {
      if (fail) throw new Error('nope')
      return 1
    })
    await run(false)
    await expect(run(true)).resolves.toBeUndefined()
    expect([data.value, error.value.message, loading.value]).toEqual([1, 'nope', false])
    await run(false)
    expect(error.value).toBeNull()
  })

  it('lets only the latest call update the state', async () => {
    const slow = deferred()
    const fast = deferred()
    const calls = [slow, fast]
    const { data, loading, run } = useAsync(() => calls.shift().promise)
    const first = run()
    const second = run()
    fast.resolve('page 2')
    await second
    expect([data.value, loading.value]).toEqual(['page 2', false])
    slow.resolve('page 1') // answers late: must not overwrite the newer page
    await first
    expect([data.value, loading.value]).toEqual(['page 2', false])
  })
})
