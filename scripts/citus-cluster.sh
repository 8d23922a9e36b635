#!/usr/bin/env bash
# A Citus cluster on this machine for issue 19's drill: a coordinator (5433) and two workers
# (5434, 5435), each a PostgreSQL 15 server of its own under $CITUS_DIR, beside the machine's
# PostgreSQL (5432), which it does not touch.
#
#   scripts/citus-cluster.sh build SRC   # once: build and install Citus from a checkout of
#                                        # citusdata/citus at v13.2.2 (the last for PostgreSQL 15)
#   scripts/citus-cluster.sh start       # make the three servers (first time) and start them
#   scripts/citus-cluster.sh stop
#
# Then: TREEM_TEST_CITUS_URLS=postgres://postgres@127.0.0.1:5433,postgres://postgres@127.0.0.1:5434,postgres://postgres@127.0.0.1:5435 \
#       cargo test --test it citus
# Citus is not in Debian's packages; the build needs postgresql-server-dev-15, liblz4-dev,
# libzstd-dev, libkrb5-dev, libssl-dev, libselinux1-dev, libxslt1-dev, libpam0g-dev,
# libreadline-dev. Run as root; the servers run as the user postgres, with trust on 127.0.0.1
# and fsync off: a drill's cluster, never a deployment's (docs/scale.md).
set -euo pipefail
CITUS_DIR=${CITUS_DIR:-/work/citus-cluster}
BIN=/usr/lib/postgresql/15/bin
PORTS="5433 5434 5435"

case "${1:-}" in
build)
  src=${2:?the citus checkout}
  cd "$src"
  # PostgreSQL 15.20 exports have_createdb_privilege, which Citus 13.2 defines again for 15.
  grep -q citus_have_createdb_privilege src/include/pg_version_compat.h ||
    sed -i '/^static inline bool$/{N; s/^static inline bool\nhave_createdb_privilege(void)$/#define have_createdb_privilege citus_have_createdb_privilege\nstatic inline bool\nhave_createdb_privilege(void)/}' src/include/pg_version_compat.h
  ./configure --without-libcurl >/dev/null
  make -j"$(nproc)" >/dev/null
  make install >/dev/null
  echo "Citus installed into $($BIN/pg_config --pkglibdir)"
  ;;
start)
  mkdir -p "$CITUS_DIR"
  chown postgres "$CITUS_DIR"
  for port in $PORTS; do
    d=$CITUS_DIR/$port
    if [ ! -d "$d" ]; then
      su postgres -c "$BIN/initdb -D $d -A trust -U postgres" >/dev/null
      cat >>"$d/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CITUS_DIR'
shared_preload_libraries = 'citus'
max_connections = 300
max_worker_processes = 32
shared_buffers = 128MB
fsync = off
CONF
    fi
    su postgres -c "$BIN/pg_ctl -D $d -l $CITUS_DIR/$port.log -w start" >/dev/null
  done
  echo "TREEM_TEST_CITUS_URLS=postgres://postgres@127.0.0.1:5433,postgres://postgres@127.0.0.1:5434,postgres://postgres@127.0.0.1:5435"
  ;;
stop)
  for port in $PORTS; do
    su postgres -c "$BIN/pg_ctl -D $CITUS_DIR/$port -m fast -w stop" >/dev/null || true
  done
  ;;
*)
  sed -n '2,16p' "$0"
  exit 2
  ;;
esac
