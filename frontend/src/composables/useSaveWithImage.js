import { ref } from 'vue'

/**
 * Saves a record (create or update), then uploads its chosen image, which needs the record's id.
 * The two steps fail separately: if only the image is refused (413/415/422) the record is kept and the
 * form can show the error beside the image field and let the admin try another file.
 */
export function useSaveWithImage({ create, update, uploadImage }) {
  const saving = ref(false)
  const error = ref(null) // the record was not saved
  const imageError = ref(null) // the record was saved, its image was not

  /** existing: the record being edited (null to create). An edit with no changed field and no image skips the
   * PATCH and answers {record: existing, imageSaved: true, unchanged: true}, so the form can say nothing changed. */
  async function save(existing, payload, imageFile) {
    saving.value = true
    error.value = null
    imageError.value = null
    try {
      let record
      if (existing && !Object.keys(payload).length && !imageFile) {
        return { record: existing, imageSaved: true, unchanged: true }
      }
      try {
        if (!existing) record = await create(payload)
        else record = Object.keys(payload).length ? await update(existing.id, payload) : existing // image only
      } catch (caught) {
        error.value = caught
        return null
      }
      if (!imageFile) return { record, imageSaved: true }
      try {
        const { image_url } = await uploadImage(record.id, imageFile)
        return { record: { ...record, image_url }, imageSaved: true }
      } catch (caught) {
        imageError.value = caught
        return { record, imageSaved: false }
      }
    } finally {
      saving.value = false
    }
  }

  return { saving, error, imageError, save }
}

/** What the API said about the image, for display beside the image field. */
export function imageErrorMessages(imageError) {
  if (!imageError) return []
  const details = imageError.details?.image
  return Array.isArray(details) && details.length ? details : [imageError.message]
}
