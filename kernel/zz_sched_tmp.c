#include "sched_policy.h"
const struct sched_policy sched_prio = {.name = "prio-tmp"};
const struct sched_policy sched_mlfq = {.name = "mlfq-tmp"};
