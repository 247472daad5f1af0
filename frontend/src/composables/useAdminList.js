import { reactive, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute } from 'vue-router'
import { useAsync } from './useAsync'
import { keepPageInRange, useQueryState } from './useQueryState'
import { useConfirmDelete } from './useConfirmDelete'
import { useToast } from './useToast'

/**
 * What every admin list shares: a page of records loaded from the URL's filters, the editor dialog
 * (create / edit) and the delete conversation (AppDeleteDialog). Each view states only what differs.
 *
 * @param {object} options
 * @param {string} options.routeName                the list's route, so it loads only while shown
 * @param {object} [options.filters]                extra query keys and their defaults, e.g. {q: ''}
 * @param {(query) => Promise} options.fetchPage     loads one page for the current query
 * @param {object} options.messages                 {created(record), saved(record), deleted(record)}: toasts
 */
export function useAdminList({ routeName, filters = {}, fetchPage, messages }) {
  const route = useRoute()
  const toast = useToast()
  const { t } = useI18n()
  const { confirmDelete } = useConfirmDelete()
  const { values: query, update: updateQuery } = useQueryState({ page: 1, ...filters })
  const { data: page, error, loading, run } = useAsync(() => fetchPage(query.value))
  watch(
    () => route.name === routeName && JSON.stringify(query.value),
    (key) => key && run(),
    { immediate: true },
  )
  keepPageInRange(page, query, updateQuery)

  // `key` renews the form for every opening, so it never shows the last record's leftovers.
  const editor = reactive({ open: false, record: null, busy: false, key: 0 })
  function openEditor(record = null) {
    Object.assign(editor, { open: true, record, busy: false, key: editor.key + 1 })
  }
  function closeEditor() {
    editor.open = false
  }
  /** The form's `saved` event: {created} for a new record; {unchanged} when an edit changed no field, so
   * nothing was sent and the toast says so instead of "saved". */
  function onSaved(record, { created, unchanged = false }) {
    editor.open = false
    if (unchanged) return toast.info(t('admin.unchanged'))
    toast.success(created ? messages.created(record) : messages.saved(record))
    run()
  }

  /** options: {title, message, consequence?, remove({force})} as for useConfirmDelete. */
  function askDelete(record, options) {
    confirmDelete({
      ...options,
      onDeleted() {
        toast.success(messages.deleted(record))
        run()
      },
    })
  }

  return { query, updateQuery, page, error, loading, run, editor, openEditor, closeEditor, onSaved, askDelete }
}
