/*
 * jobs.c: one thread, a ring of waiting jobs (jobs.h).
 *
 * The ring holds at most cap jobs; posting to a full ring fails at once
 * rather than wait, so a flood of requests cannot hold the threads that
 * answer pages. Stopping lets the thread finish what is queued: a reset
 * link asked for just before SIGTERM is still written to the outbox.
 */
#include <pthread.h>
#include <stdlib.h>

#include "app/jobs.h"

struct job {
	job_fn run;
	void *ctx, *arg;
};

struct jobs {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	struct job *ring;
	int cap, head, n;
	bool busy, stopping;
};

static void *
jobs_main(void *arg)
{
	struct jobs *j = arg;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct job job;

		while (j->n == 0 && !j->stopping)
			pthread_cond_wait(&j->wake, &j->lock);
		if (j->n == 0)
			break;
		job = j->ring[j->head];
		j->head = (j->head + 1) % j->cap;
		j->n--;
		j->busy = true;
		pthread_mutex_unlock(&j->lock);
		job.run(job.ctx, job.arg);
		pthread_mutex_lock(&j->lock);
		j->busy = false;
		if (j->n == 0)
			pthread_cond_broadcast(&j->idle);
	}
	pthread_cond_broadcast(&j->idle);
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *
jobs_start(int cap)
{
	struct jobs *j = calloc(1, sizeof(*j));

	if (!j || cap < 1 || !(j->ring = calloc((size_t)cap, sizeof(*j->ring))))
		goto fail;
	j->cap = cap;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	pthread_cond_init(&j->idle, NULL);
	if (pthread_create(&j->thread, NULL, jobs_main, j) != 0) {
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->wake);
		pthread_cond_destroy(&j->idle);
		goto fail;
	}
	return j;
fail:
	if (j)
		free(j->ring);
	free(j);
	return NULL;
}

int
jobs_post(struct jobs *j, job_fn run, void *ctx, void *arg)
{
	int rc = -1;

	pthread_mutex_lock(&j->lock);
	if (!j->stopping && j->n < j->cap) {
		j->ring[(j->head + j->n) % j->cap] = (struct job){run, ctx, arg};
		j->n++;
		pthread_cond_signal(&j->wake);
		rc = 0;
	}
	pthread_mutex_unlock(&j->lock);
	return rc;
}

void
jobs_drain(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	while (j->n > 0 || j->busy)
		pthread_cond_wait(&j->idle, &j->lock);
	pthread_mutex_unlock(&j->lock);
}

void
jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	pthread_cond_destroy(&j->idle);
	free(j->ring);
	free(j);
}
