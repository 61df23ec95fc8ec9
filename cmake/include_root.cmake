# mixmatrix_include_root(TARGET FOLDER): TARGET's headers are included as "FOLDER/name.hpp", through
# an include root of its own that holds only FOLDER (a link in the build tree). Nothing else of the
# project is on its include path, so an include against the layering (mixer/ reaching into server/)
# fails to compile instead of passing review.
function(mixmatrix_include_root target folder)
  set(root "${PROJECT_BINARY_DIR}/include_roots/${target}")
  get_filename_component(parent "${root}/${folder}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(NOT EXISTS "${root}/${folder}")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${folder}" "${root}/${folder}" SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC "${root}")
endfunction()
