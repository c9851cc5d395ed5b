#!/usr/bin/env bash
# Reference client: Ashby's presigned upload flow with curl and jq.
#   upload-harness verify-client -- bash examples/clients/upload.sh [FILE]
# Reads ASHBY_BASE_URL, ASHBY_API_KEY, ASHBY_CANDIDATE_ID (verify-client sets them). Uploads FILE (default:
# a small generated PDF) as the candidate's resume: 1. file.createFileUploadHandle, 2. multipart POST of
# every returned field, unchanged, and the file LAST, 3. candidate.uploadResume with the handle.
# Retries (at most 4 attempts per step) honour Retry-After and otherwise back off from 0.2 s; an
# expired URL gets a new handle; any other refusal stops with a message and exit status 1.
set -euo pipefail
: "${ASHBY_BASE_URL:?set ASHBY_BASE_URL}" "${ASHBY_API_KEY:?set ASHBY_API_KEY}" "${ASHBY_CANDIDATE_ID:?set ASHBY_CANDIDATE_ID}"
uploads="${UPLOADS:-1}"
max_attempts=4
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Sleeps before attempt n+1: Retry-After seconds when the answer named them, else 0.2 s doubling.
pause() { # $1 attempt (0-based), $2 headers file
  local ra
  ra="$(tr -d '\r' <"$2" 2>/dev/null | awk -F': *' 'tolower($1)=="retry-after"{print $2}' | tail -n1)"
  if [[ "$ra" =~ ^[0-9]+$ ]]; then sleep "$ra"; else sleep "$(awk -v n="$1" 'BEGIN{printf "%.1f", 0.2*2^n}')"; fi
}

# POSTs JSON to an API endpoint and prints `results`; retries 429/5xx/network errors.
api() { # $1 endpoint, $2 JSON body
  local n status
  for ((n = 0; ; n++)); do
    status="$(curl -sS -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' -u "$ASHBY_API_KEY:" \
      -H 'Content-Type: application/json' --data-binary "$2" "$ASHBY_BASE_URL/$1")" || true
    if [[ "$status" != 429 && "$status" != 5* && "$status" != 000 ]]; then
      if [[ "$(jq -r .success "$tmp/body")" != true ]]; then echo "$1 refused: $(jq -c '.errorInfo // .errors' "$tmp/body")" >&2; return 1; fi
      jq -c .results "$tmp/body"
      return 0
    fi
    ((n + 1 < max_attempts)) || { echo "$1: gave up after $max_attempts attempts (last status $status)" >&2; return 1; }
    pause "$n" "$tmp/head"
  done
}

# POSTs the form: every field of the handle (in order, unchanged), then the file. Exit 3 = URL expired.
upload() { # $1 handle JSON, $2 file, $3 content type
  local n status name value args=()
  while IFS= read -r -d '' name && IFS= read -r -d '' value; do
    args+=(--form-string "$name=$value")
  done < <(jq -j '.fields | to_entries[] | "\(.key)\u0000\(.value)\u0000"' <<<"$1")
  args+=(-F "file=@$2;type=$3")
  for ((n = 0; ; n++)); do
    status="$(curl -sS -o "$tmp/up" -D "$tmp/uphead" -w '%{http_code}' "${args[@]}" "$(jq -r .url <<<"$1")")" || true
    [[ "$status" == 2* ]] && return 0
    if [[ "$status" == 403 ]] && grep -q 'expired' "$tmp/up"; then return 3; fi
    if [[ "$status" != 5* && "$status" != 000 ]]; then echo "upload refused: $status $(sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$tmp/up")" >&2; return 1; fi
    ((n + 1 < max_attempts)) || { echo "upload: gave up after $max_attempts attempts (last status $status)" >&2; return 1; }
    pause "$n" "$tmp/uphead"
  done
}

for ((i = 0; i < uploads; i++)); do
  file="${1:-}"
  if [[ -z "$file" ]]; then
    file="$tmp/resume-$i.pdf"
    printf '%%PDF-1.4\n%% curl reference client upload %d\n%%%%EOF\n' "$i" >"$file"
  fi
  size="$(wc -c <"$file" | tr -d ' ')"
  name="$(basename "$file")"
  for ((h = 0; ; h++)); do
    request="$(jq -cn --arg f "$name" --argjson n "$size" '{fileUploadContext:"CandidateResume", filename:$f, contentType:"application/pdf", contentLength:$n}')"
    handle="$(api file.createFileUploadHandle "$request")"
    rc=0
    upload "$handle" "$file" application/pdf || rc=$?
    if ((rc == 3 && h + 1 < max_attempts)); then continue; fi # expired: never reuse the URL, get a new handle
    ((rc == 0)) || exit 1
    break
  done
  api candidate.uploadResume "$(jq -cn --arg c "$ASHBY_CANDIDATE_ID" --arg h "$(jq -r .handle <<<"$handle")" '{candidateId:$c, resumeHandle:$h}')" >/dev/null
done
echo "uploaded and attached $uploads file(s)"
