/* flame.h - the subcommands of flame (one file each). */
#ifndef V8A_FLAME_H
#define V8A_FLAME_H

#include <v8a/v8a.h>

int cmd_info(int argc, char **argv);
int cmd_render(int argc, char **argv);

#endif
