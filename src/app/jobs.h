/*
 * jobs.h: work done after the answer is sent. One thread runs posted jobs
 * in order. The account pages use it so that what they answer, and when,
 * cannot depend on whether an account exists: the handler checks the
 * form, posts the lookup and the mail, and answers at once.
 */
#ifndef CHIRON_JOBS_H
#define CHIRON_JOBS_H

#include <stdbool.h>

struct jobs;

/* A job: run(ctx, arg) on the jobs thread; it owns arg and frees it. */
typedef void (*job_fn)(void *ctx, void *arg);

/* Starts the thread with room for cap waiting jobs; NULL when it cannot. */
struct jobs *jobs_start(int cap);

/*
 * Queues run(ctx, arg). Returns 0, or -1 when the queue is full or
 * stopping: then the caller still owns arg (and answers "try again").
 */
int jobs_post(struct jobs *j, job_fn run, void *ctx, void *arg);

/* Waits until every job posted so far has run (for tests and shutdown). */
void jobs_drain(struct jobs *j);

/* Runs what is queued, stops the thread and frees j. NULL is fine. */
void jobs_stop(struct jobs *j);

#endif
