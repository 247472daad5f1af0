// Guidance only: the server decides (auth/passwords.py: 8 to 1024 characters, not the username, not one of the
// most common passwords). This mirrors those rules with a short list of the very commonest passwords and adds
// a length/variety score, so the meter never calls "good" what the server would refuse for a rule it states.
// (zxcvbn-ts was considered: its dictionaries weigh ~3 MB for a hint, and the server already has the list.)

export const MIN_LENGTH = 8

// The commonest passwords of 8+ characters in public breach lists; the server checks many thousands more.
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'abc12345',
  '11111111',
  '00000000',
  '87654321',
  'asdfghjk',
  'letmein1',
  'trustno1',
  'superman',
  'starwars',
  'passw0rd',
])

/**
 * How strong a password looks. Returns {score: 0-4, problems: string[]} where problems name the server's
 * rules it breaks: 'short' (fewer than 8 characters), 'username' (equals the username, any case), 'common'
 * (a very common password), 'repeated' (one character repeated, eight spaces say). Any problem caps the score at 1; an empty password scores 0.
 */
export function passwordStrength(password, username = '') {
  const text = password ?? ''
  if (!text) return { score: 0, problems: [] }
  const problems = []
  if ([...text].length < MIN_LENGTH) problems.push('short')
  if (username && text.trim().toLowerCase() === username.trim().toLowerCase()) problems.push('username')
  if (COMMON.has(text.toLowerCase())) problems.push('common')
  else if (new Set(text).size === 1) problems.push('repeated')
  if (problems.length) return { score: 1, problems }
  // Kinds of characters: lower, upper, digits, other (any script's letters count as "other" letters).
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(text)).length
  const length = [...text].length
  let score = 2
  if (length >= 12 || kinds >= 3) score = 3
  if ((length >= 12 && kinds >= 3) || length >= 16) score = 4
  if (new Set(text).size <= 2) score = 2 // "aaaaaaaaaaaa" is long but not strong
  return { score, problems }
}
