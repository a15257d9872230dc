#!/usr/bin/env bash
# The spoken digits of the audio captcha (daftar/accounts/captcha_audio.py, decision 0028):
# Persian number words said by espeak-ng's Persian voice, trimmed, 8 kHz 16-bit mono. Run once
# by a developer; the clips are committed, so neither tool is needed to run or test daftar.
# Needs Debian's espeak-ng and sox (dev only): apt-get install espeak-ng sox
set -euo pipefail
out="$(dirname "$0")/../daftar/accounts/captcha_assets/audio"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for pair in 3:سه 4:چهار 5:پنج 6:شش 7:هفت 8:هشت 9:نه; do
  digit="${pair%%:*}" word="${pair#*:}"
  espeak-ng -v fa -s 130 -w "$tmp/$digit.wav" "$word"
  sox "$tmp/$digit.wav" -r 8000 -b 16 -c 1 "$out/fa-$digit.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
done
echo "wrote $(ls "$out" | wc -l) clips into $out"
