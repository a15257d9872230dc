#!/usr/bin/env bash
# The spoken digits of the audio captcha (daftar/accounts/captcha_audio.py, decision 0028):
# Persian number words said by espeak-ng's Persian voice in several voices, speeds and pitches
# (one clip per digit and variant), trimmed, 8 kHz 16-bit mono. Run once by a developer; the
# clips are committed, so neither tool is needed to run or test daftar. Each answer picks a
# variant per digit and reshapes it further, so no committed clip is what an answer plays.
# Needs Debian's espeak-ng and sox (dev only): apt-get install espeak-ng sox
set -euo pipefail
out="$(dirname "$0")/../daftar/accounts/captcha_assets/audio"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
rm -f "$out"/fa-*.wav
# variant: voice speed(words/min) pitch(0-99)
variants=("1:fa:130:50" "2:fa+f3:145:60" "3:fa+m3:120:35" "4:fa+f2:155:70")
for pair in 3:سه 4:چهار 5:پنج 6:شش 7:هفت 8:هشت 9:نه; do
  digit="${pair%%:*}" word="${pair#*:}"
  for variant in "${variants[@]}"; do
    IFS=: read -r n voice speed pitch <<<"$variant"
    espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$tmp/$digit-$n.wav" "$word"
    sox "$tmp/$digit-$n.wav" -r 8000 -b 16 -c 1 "$out/fa-$digit-$n.wav" \
      silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  done
done
echo "wrote $(ls "$out" | wc -l) clips into $out"
