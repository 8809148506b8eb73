/*
 * topo_blocks: the blocks of Slurm's topology/block (23.11+), read from the
 * topology as Slurm prints it (`scontrol show topology`, and what the
 * plugin's print function gives slurmctld's plugins):
 *
 *   BlockName=b1 BlockIndex=0 Nodes=n[1-2] BlockSize=2
 *   AggregatedBlock=b[1-2] BlockIndex=0 Nodes=n[1-4] BlockSize=4
 *
 * The block table itself is private to topology/block.  Other lines
 * (topology/tree's SwitchName=...) are no blocks.  No Slurm dependency.
 */
#ifndef DLH_TOPO_BLOCKS_H
#define DLH_TOPO_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dlh_log.h"

struct topo_block {
	const char *name;  /* points into the parsed text */
	const char *nodes; /* a Slurm host list expression, likewise */
	uint32_t size;	   /* nodes the block stands for, >= 1 */
	bool aggregated;
};

/*
 * Parses text in place (it is cut into strings) into out[0..max).
 * Returns the number of blocks (0: not a block topology), or -1 with err
 * set when a block line is malformed or there are more than max.
 */
int topo_blocks_parse(char *text, struct topo_block *out, size_t max,
		      struct dlh_error *err);

#endif
