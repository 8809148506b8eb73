/*
 * plan_json: the plan as one JSON object.  This is what the SPANK plugin
 * writes, for every rank, to the file named by DL_PLAN; see
 * doc/planner.md for the schema ("schema": "dlhetero-plan/1").
 */
#ifndef DLH_PLAN_JSON_H
#define DLH_PLAN_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "plan.h"

#define PLAN_JSON_SCHEMA "dlhetero-plan/1"

/* New reference to the plan as a json-c object, or NULL. */
struct json_object *plan_to_json_object(const struct plan *p);
/* The same, without the "ranks" array when with_ranks is false (a caller
 * that writes a large one itself: hetero_plan_json()). */
struct json_object *plan_to_json_object_ex(const struct plan *p,
					   bool with_ranks);

/* The plan as compact JSON text (no trailing newline); caller frees.
 * Numbers are printed with fixed precision, so the same plan always gives
 * the same text. */
char *plan_to_json(const struct plan *p);

/* FNV-1a 64 of the JSON text: every task can compare its plan with the
 * one the others see. */
uint64_t plan_json_hash(const char *json);
/* The same as 16 lowercase hex digits plus NUL. */
void plan_json_hash_hex(const char *json, char out[17]);

#endif
