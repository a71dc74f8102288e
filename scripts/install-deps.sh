#!/usr/bin/env bash
# Installs every Debian 12 package kongsi needs to build, test, benchmark and fuzz.
# Idempotent: only missing packages are installed; safe to run on every `make`.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # fuzzing (make fuzz): clang 14 with libFuzzer and the sanitizer runtimes, llvm-symbolizer-14
  # for readable crash stacks; make format / make tidy
  clang libclang-rt-14-dev llvm-14 clang-format clang-tidy
  # libraries (DESIGN.md section 7)
  libboost-dev libcurl4-openssl-dev libssl-dev libsimdjson-dev nlohmann-json3-dev
  libsqlite3-dev libsqlitecpp-dev libpqxx-dev libabsl-dev libsodium-dev libre2-dev
  libpsl-dev libidn2-dev liburiparser-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libfmt-dev zlib1g-dev
  # tests, benchmarks, tools used by tests
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev sqlite3 python3 procps
  # TAXII server: load test (make bench), TLS test certificates
  wrk openssl
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
