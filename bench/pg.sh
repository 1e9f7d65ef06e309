#!/bin/sh
# Private PostgreSQL 15 server for the benchmark and the tests.
#
#   bench/pg.sh start DIR   starts a server, prints its DSN on stdout
#   bench/pg.sh stop DIR    stops it and removes its data
#   bench/pg.sh dsn DIR     prints the DSN of a running one
#
# DIR is a state folder of the caller's (created if missing); it holds
# pg.env (data dir, port, DSN). The cluster itself lives in a fresh
# mktemp folder owned by the `postgres` user (when run as root: initdb and
# pg_ctl refuse to run as root, so they run under runuser -u postgres), so
# DIR may be anywhere, even where `postgres` cannot read. It never touches
# the Debian default cluster (no pg_ctlcluster, no /etc/postgresql): on a
# fresh Debian 12 with postgresql-15 installed this needs nothing running.
# It listens on 127.0.0.1 only, on a free port, and on a unix socket in its
# own folder; local connections use trust auth, user postgres.
#
# Tuned for a throwaway benchmark server (data is disposable): fsync,
# synchronous_commit and full_page_writes off, wal_level minimal (COPY into
# a table created in the same transaction skips WAL), shared_buffers 1GB,
# work_mem 64MB, maintenance_work_mem 1GB for index builds. JIT is off:
# on these queries (10-100 ms each) JIT compilation costs more than it
# saves (measured with bench/sqlbase.py: see its header).
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

die() { echo "pg.sh: $*" >&2; exit 1; }

usage() { die "usage: pg.sh start|stop|dsn DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
state=$2

# run a command as the cluster's owner
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return 0
	# fallback: first port in a range where no server answers (a clash is
	# caught by the retry in start)
	p=54329
	while [ $p -lt 55329 ]; do
		if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p $p >/dev/null 2>&1; then
			echo $p
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

start() {
	[ -x "$PGBIN/initdb" ] || die "no $PGBIN/initdb: install postgresql-15 (scripts/deps.sh)"
	mkdir -p "$state"
	state=$(cd "$state" && pwd)
	if [ -f "$state/pg.env" ]; then
		# shellcheck disable=SC1091
		. "$state/pg.env"
		if as_owner "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
			echo "$DSN"
			return 0
		fi
		rm -rf "$PGROOT"
		rm -f "$state/pg.env"
	fi
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "no 'postgres' user: install postgresql-15"
	fi
	PGROOT=$(mktemp -d "${TMPDIR:-/tmp}/chiron-pg.XXXXXX")
	chmod 700 "$PGROOT"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGROOT"
	PGDATA=$PGROOT/data
	if ! as_owner "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$PGROOT/initdb.log" 2>&1; then
		cat "$PGROOT/initdb.log" >&2
		rm -rf "$PGROOT"
		die "initdb failed"
	fi
	cat >>"$PGDATA/postgresql.conf" <<-EOF
		# chiron bench: disposable server
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$PGROOT'
		max_connections = 20
		shared_buffers = 1GB
		work_mem = 64MB
		maintenance_work_mem = 1GB
		effective_cache_size = 8GB
		random_page_cost = 1.1
		effective_io_concurrency = 100
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		wal_level = minimal
		max_wal_senders = 0
		max_wal_size = 8GB
		checkpoint_timeout = 30min
		autovacuum = off
		jit = off
		max_worker_processes = 4
		max_parallel_workers = 2
		max_parallel_workers_per_gather = 2
		max_parallel_maintenance_workers = 2
		dynamic_shared_memory_type = mmap
		logging_collector = off
		log_min_messages = warning
	EOF
	tries=0
	while :; do
		port=$(free_port) || die "no free port"
		if as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGROOT/server.log" -w -t 60 \
			-o "-p $port" start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ]; then
			tail -20 "$PGROOT/server.log" >&2 || true
			rm -rf "$PGROOT"
			die "server did not start"
		fi
	done
	DSN="host=127.0.0.1 port=$port user=postgres dbname=postgres"
	cat >"$state/pg.env" <<-EOF
		PGROOT='$PGROOT'
		PGDATA='$PGDATA'
		PGPORT='$port'
		DSN='$DSN'
	EOF
	echo "$DSN"
}

stop() {
	[ -f "$state/pg.env" ] || { echo "pg.sh: no server recorded in $state" >&2; return 0; }
	# shellcheck disable=SC1091
	. "$state/pg.env"
	if [ -d "$PGDATA" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	case $PGROOT in
	*/chiron-pg.*) rm -rf "$PGROOT" ;;
	esac
	rm -f "$state/pg.env"
}

case $cmd in
start) start ;;
stop) stop ;;
dsn)
	[ -f "$state/pg.env" ] || die "no server recorded in $state"
	# shellcheck disable=SC1091
	. "$state/pg.env"
	echo "$DSN"
	;;
*) usage ;;
esac
