/* flame.h - the subcommands of flame (one file each). */
#ifndef V8A_FLAME_H
#define V8A_FLAME_H

#include <v8a/v8a.h>

int cmd_info(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_blocking(int argc, char **argv);
int cmd_fold(int argc, char **argv);
int cmd_insights(int argc, char **argv);

#include <cli.h>

/* cli.h's, under the name the commands use */
#define fl_operands cli_operands

/* Opens a raw profile or a profile database; `thread` picks a trace's
 * thread (NULL: the busiest). Returns 0, or CLI_TROUBLE after printing the
 * error. */
int fl_open(const char *path, const char *thread, v8a_profile **out);

/* The image format of an output path by its extension (.svg, .png, .pdf);
 * -1 when it has none of them. */
int fl_image_format(const char *path, v8a_flame_format *fmt);

#endif
